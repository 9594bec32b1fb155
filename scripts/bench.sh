#!/usr/bin/env bash
# The benchmark anyone can rerun: scripts/bench.sh   (about 10–12 minutes on 2 cores, publishing included)
#   1. publishes the services (`dotnet publish -c Release`: native executables when the projects set
#      PublishAot, a dll otherwise), the load generator, the two references — a bare Kestrel endpoint
#      (bench/BareHello) and the floor of three hops (bench/FloorChain), both Native AOT — and the report
#      writer (bench/BenchReport),
#   2. the setup of issues 13 and 24 — wrk -t2 -c16 on the same cores as every server, no pinning: the floor
#      and the app 1.0 → analytics 1.1 → storage 1.0 (Redis) chain started from nothing (time to the first
#      page with results; the chain's first 20 s after start), then after a 45 s warm-up BENCH_ROUNDS rounds
#      of bare, floor and chain in turn (GET /, the vote POST, GET / on one connection), analytics 1.1 and
#      storage alone, resident memory after the load; then the local run's configuration (the same chain on
#      the embedded SQLite store) at 8 connections,
#   3. the earlier scenarios: both chains (2.0 on MariaDB) with the load generator, servers pinned to half
#      the CPUs and the load generator to the rest, after a warm-up,
#   4. the image sizes when the images are built (podman or docker), "not measured" otherwise,
#   5. prints the figures beside their goals and writes docs/benchmarks.md and docs/benchmarks.svg; issue 24's
#      goals (each figure as a ratio to bare and to the floor) by bench/floor-goals.sh.
# Needs: the .NET SDK, redis-server, mariadb-server, wrk (Debian packages), curl, perl; taskset (util-linux).
# Settings (environment): BENCH_DURATION (10s per load-generator scenario), BENCH_WARMUP (3s before each),
#   BENCH_PREWARM (20s of mixed load per chain before them), BENCH_CONNECTIONS (16),
#   BENCH_PIN (1: pin the earlier scenarios; 0: no pinning), BENCH_VOTES (100000: votes in MariaDB before
#   the second analytics measurement), BENCH_WRK_SECONDS (12: each warm wrk measurement), BENCH_ROUNDS (3),
#   BENCH_ONE_CONNECTION_BEFORE (see bench/floor-goals.sh),
#   BENCH_NOTE (free text for the page), BENCH_OUT (docs: where the page and chart go),
#   BENCH_KEEP (a folder to copy the raw results to), BENCH_PUBLISHED (a folder with the three services
#   already published in Release, e.g. scripts/test.sh's $VOTING_TEST_TMP/aot, to skip publishing them).
# Exits 1 when a goal is missed, 2 when the run itself failed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source "$ROOT/bench/lib.sh"

DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-3s}
PREWARM=${BENCH_PREWARM:-20s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
PIN=${BENCH_PIN:-1}
TOTAL_VOTES=${BENCH_VOTES:-100000}
WRK_SECONDS=${BENCH_WRK_SECONDS:-12}
ROUNDS=${BENCH_ROUNDS:-3}
OUT=${BENCH_OUT:-$ROOT/docs}

for tool in dotnet redis-server mariadbd mariadb-install-db curl wrk; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || fail "$tool is not installed (apt-get install redis-server mariadb-server curl wrk)"
done
perl -MTime::HiRes -MIO::Socket::INET -e 1 2>/dev/null || fail "perl with Time::HiRes is not installed (apt-get install perl)"
export PATH=$PATH:/usr/sbin
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

TMP=$(mktemp -d /tmp/voting-bench.XXXXXX)
chmod 755 "$TMP"
PIDS=()
trap cleanup EXIT

# CPU pinning for the earlier scenarios (step 3): on a small machine the load generator competes with the
# services for the same cores. Step 2 never pins: all servers and wrk share every CPU.
CPUS=$(nproc)
SERVER=()
PINNED_SERVER=()
CLIENT=()
PINNING="none: load generator and servers share all $CPUS CPUs"
if [ "$PIN" = 1 ] && [ "$CPUS" -ge 2 ] && command -v taskset >/dev/null; then
  half=$((CPUS / 2))
  PINNED_SERVER=(taskset -c "0-$((half - 1))")
  CLIENT=(taskset -c "$half-$((CPUS - 1))")
  PINNING="servers (services, Redis, MariaDB, bare endpoint) on CPU 0-$((half - 1)), load generator and wrk on CPU $half-$((CPUS - 1))"
fi

# 1. Release builds.
say "publishing in Release"
PUB=$TMP/publish
SERVICES_PUB=${BENCH_PUBLISHED:-$PUB}
projects=(src/VotingApp.LoadGenerator bench/BareHello bench/FloorChain bench/BenchReport)
[ -n "${BENCH_PUBLISHED:-}" ] || projects+=(src/VotingApp.App src/VotingApp.Analytics src/VotingApp.Storage)
for project in "${projects[@]}"; do
  publish "$project" "$PUB"
done
APP_CMD=$(published_command "$SERVICES_PUB/VotingApp.App" VotingApp.App)
ANALYTICS_CMD=$(published_command "$SERVICES_PUB/VotingApp.Analytics" VotingApp.Analytics)
STORAGE_CMD=$(published_command "$SERVICES_PUB/VotingApp.Storage" VotingApp.Storage)
BARE_CMD=$(published_command "$PUB/BareHello" BareHello)
FLOOR_CMD=$(published_command "$PUB/FloorChain" FloorChain)
LOADGEN=(dotnet "$PUB/VotingApp.LoadGenerator/voting-loadgenerator.dll")
BUILD="$(native_or_jit "$SERVICES_PUB/VotingApp.App" VotingApp.App) (app), $(native_or_jit "$SERVICES_PUB/VotingApp.Analytics" VotingApp.Analytics) (analytics), $(native_or_jit "$SERVICES_PUB/VotingApp.Storage" VotingApp.Storage) (storage)"
say "services published as: $BUILD"

RESULTS=$TMP/results
mkdir -p "$RESULTS"
uptime | sed 's/.*load average: //' >"$TMP/load_before"

# Redis, for both step 2 and step 3 (unpinned: it serves the unpinned chain first).
REDIS_PORT=$(free_port)
mkdir -p "$TMP/redis"
redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$TMP/redis" \
  --pidfile "$TMP/redis/redis.pid" --logfile "$TMP/redis.log" "${REDIS_FLAGS[@]}" >/dev/null
for _ in $(seq 1 50); do [ -s "$TMP/redis/redis.pid" ] && break; sleep 0.1; done
say "redis on $REDIS_PORT"

declare -A PORT PID
start_service() { # name command version env...
  local name=$1 command=$2 version=$3
  shift 3
  PORT[$name]=$(free_port)
  # The garbage collector's defaults, as the images run (BENCH_GC_GEN0 sets DOTNET_GCgen0size for an
  # experiment), for the bare endpoint too, so that both sides of every ratio run with the same settings.
  env VOTING_VERSION="$version" ASPNETCORE_HTTP_PORTS="${PORT[$name]}" ASPNETCORE_ENVIRONMENT=Production \
    ${BENCH_GC_GEN0:+DOTNET_GCgen0size=$BENCH_GC_GEN0} "$@" \
    "${SERVER[@]}" $command >"$TMP/$name.log" 2>&1 &
  PID[$name]=$!
  PIDS+=($!)
}
stop_services() { # name...
  local name
  for name in "$@"; do kill "${PID[$name]}" 2>/dev/null || true; done
  for name in "$@"; do wait "${PID[$name]}" 2>/dev/null || true; done
}
start_chain() { # prefix, storage environment...
  local prefix=$1
  shift
  start_service "${prefix}storage" "$STORAGE_CMD" 1.0 "$@"
  start_service "${prefix}analytics" "$ANALYTICS_CMD" 1.1 STORAGE_HOST=127.0.0.1 STORAGE_PORT="${PORT[${prefix}storage]}"
  start_service "${prefix}app" "$APP_CMD" 1.0 ANALYTICS_HOST=127.0.0.1 ANALYTICS_PORT="${PORT[${prefix}analytics]}" \
    STORAGE_HOST=127.0.0.1 STORAGE_PORT="${PORT[${prefix}storage]}"
}
now_ms() { date +%s%3N; }
# Polls GET / until the results line shows counts; prints the milliseconds since $1 (epoch ms). One perl
# process that forks nothing, so that the poller does not take the cores from the services it times.
first_results_ms() { # start_ms url timeout_s
  perl "$ROOT/bench/first-results.pl" "$@" || fail "no page with results within $3 s of the start: $(tail -n 5 "$TMP"/c*.log)"
}
write_vote_script "$TMP/vote.lua"
: >"$RESULTS/wrk-setup.tsv"
wrk_setup() { # id label url [connections] [seconds] [lua script]
  local line
  say "wrk -t2 -c${4:-$CONNECTIONS}: $2"
  line=$(WRK_SCRIPT=${6:-} wrk_line 2 "${4:-$CONNECTIONS}" "${5:-$WRK_SECONDS}s" "$3") || fail "wrk: $2"
  read -r requests rps p99 <<<"$line"
  say "    $rps req/s, p99 $p99 ms"
  printf '%s\t%s\t%s\t%s\n' "$1" "$rps" "$p99" "$2" >>"$RESULTS/wrk-setup.tsv"
}

# 2. The setup of issues 13 and 24: nothing pinned, wrk -t2 -c16. The bare endpoint, the floor
# (bench/FloorChain: three hops with nothing else) and the chain are measured in the same run, interleaved in
# $ROUNDS rounds, so that each ratio compares figures taken a few seconds apart.
say "step 2: wrk, no pinning; bare, floor and chain interleaved in $ROUNDS rounds"
start_floor() {
  start_service fstorage "$FLOOR_CMD storage" 1.0 FLOOR_REDIS="127.0.0.1:$REDIS_PORT"
  start_service fanalytics "$FLOOR_CMD analytics" 1.0 FLOOR_STORAGE="http://127.0.0.1:${PORT[fstorage]}"
  start_service fapp "$FLOOR_CMD app" 1.0 FLOOR_ANALYTICS="http://127.0.0.1:${PORT[fanalytics]}" \
    FLOOR_STORAGE="http://127.0.0.1:${PORT[fstorage]}"
}
say "starting the floor from nothing"
started=$(now_ms)
start_floor
first_results_ms "$started" "http://127.0.0.1:${PORT[fapp]}/" 60 >"$RESULTS/floor-first-page-ms.txt"
say "the floor's first page with results $(cat "$RESULTS/floor-first-page-ms.txt") ms after the start"
start_service bare "$BARE_CMD" 1.0
wait_http "http://127.0.0.1:${PORT[bare]}/" 60

# The chain from nothing: the three processes start at once, a visitor polls for the first page with
# results, then wrk loads it until 20 s after the start (the cold figure) and 25 s more (the warm-up).
say "starting app 1.0 → analytics 1.1 → storage 1.0 (Redis) from nothing"
started=$(now_ms)
start_chain c REDIS_HOST=127.0.0.1 REDIS_PORT="$REDIS_PORT"
first=$(first_results_ms "$started" "http://127.0.0.1:${PORT[capp]}/" 60)
echo "$first" >"$RESULTS/first-page-ms.txt"
say "first page with results $first ms after the start"
cold=$(( (20000 - ($(now_ms) - started)) / 1000 ))
[ "$cold" -ge 3 ] || cold=3
wrk_setup chain-cold "GET / chain, the first 20 s after start" "http://127.0.0.1:${PORT[capp]}/" "$CONNECTIONS" "$cold"
wrk -t2 -c"$CONNECTIONS" -d25s "http://127.0.0.1:${PORT[capp]}/" >/dev/null
for url in "http://127.0.0.1:${PORT[bare]}/" "http://127.0.0.1:${PORT[fapp]}/"; do
  wrk -t2 -c"$CONNECTIONS" -d10s "$url" >/dev/null
done

# The rounds: GET / and the vote POST at $CONNECTIONS connections, and GET / on one connection (the curl
# loop of the walkthroughs: one request after the other), for each target in turn.
: >"$RESULTS/rounds.tsv"
declare -A APP_URL=([bare]="http://127.0.0.1:${PORT[bare]}/" [floor]="http://127.0.0.1:${PORT[fapp]}/" [chain]="http://127.0.0.1:${PORT[capp]}/")
round_figure() { # round target figure threads connections [lua script]
  local line
  line=$(WRK_SCRIPT=${6:-} wrk_line "$4" "$5" "${WRK_SECONDS}s" "${APP_URL[$2]}") || fail "wrk: $2 $3"
  read -r _ rps p99 <<<"$line"
  say "    round $1, $2 $3: $rps req/s, p99 $p99 ms"
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$rps" "$p99" >>"$RESULTS/rounds.tsv"
}
for round in $(seq 1 "$ROUNDS"); do
  for target in bare floor chain; do
    round_figure "$round" "$target" get 2 "$CONNECTIONS"
    round_figure "$round" "$target" post 2 "$CONNECTIONS" "$TMP/vote.lua"
    [ "$target" = bare ] || round_figure "$round" "$target" one 1 1
  done
done
# The round with the median GET / of each target stands for it in wrk-setup.tsv (one row per id).
median_round() { # target figure → "req/s p99" of the median round
  awk -F'\t' -v t="$1" -v f="$2" '$2 == t && $3 == f { print $4, $5 }' "$RESULTS/rounds.tsv" | sort -n |
    awk '{ line[NR] = $0 } END { print line[int((NR + 1) / 2)] }'
}
setup_row() { # id target figure label
  local rps p99
  read -r rps p99 <<<"$(median_round "$2" "$3")"
  printf '%s\t%s\t%s\t%s\n' "$1" "$rps" "$p99" "$4" >>"$RESULTS/wrk-setup.tsv"
}
setup_row bare-get bare get "bare Kestrel GET"
setup_row bare-post bare post "bare Kestrel POST"
setup_row floor-get floor get "GET / floor (bench/FloorChain)"
setup_row floor-post floor post "vote POST floor"
setup_row chain-warm chain get "GET / chain, warm (after 45 s)"
setup_row vote-warm chain post "vote POST app 1.0 → storage 1.0, warm"
wrk_setup analytics-warm "GET /analytics, analytics 1.1 alone, warm" "http://127.0.0.1:${PORT[canalytics]}/analytics"
wrk_setup storage-warm "GET /api/votes, storage 1.0 alone, warm" "http://127.0.0.1:${PORT[cstorage]}/api/votes"
wrk_setup floor-analytics "GET /analytics, the floor's analytics alone" "http://127.0.0.1:${PORT[fanalytics]}/analytics"
wrk_setup floor-storage "GET /api/votes, the floor's storage alone" "http://127.0.0.1:${PORT[fstorage]}/api/votes"
: >"$RESULTS/rss-setup.tsv"
for name in capp canalytics cstorage; do
  case $name in capp) label="app 1.0" ;; canalytics) label="analytics 1.1" ;; cstorage) label="storage 1.0" ;; esac
  printf '%s\t%s\n' "$label" "$(rss_kb "${PID[$name]}")" >>"$RESULTS/rss-setup.tsv"
done
: >"$RESULTS/rss-floor.tsv"
for name in fapp fanalytics fstorage; do
  printf 'floor %s\t%s\n' "${name#f}" "$(rss_kb "${PID[$name]}")" >>"$RESULTS/rss-floor.tsv"
done
stop_services capp canalytics cstorage fapp fanalytics fstorage bare

# The local run's configuration (the README's run command: the same chain, votes in a SQLite file) at
# 8 connections, as a user tries it with the load generator.
say "the local run's configuration: the chain on SQLite"
start_chain l STORAGE_BACKEND=sqlite SQLITE_PATH="$TMP/local/votes.db"
wait_http "http://127.0.0.1:${PORT[lapp]}/health/ready" 60
first_results_ms "$(now_ms)" "http://127.0.0.1:${PORT[lapp]}/" 60 >/dev/null
WRK_SCRIPT=$TMP/vote.lua wrk -t2 -c8 -d5s "http://127.0.0.1:${PORT[lapp]}/" >/dev/null
wrk -t2 -c8 -d15s "http://127.0.0.1:${PORT[lapp]}/" >/dev/null
wrk_setup local-pages "local run (SQLite): GET /, 8 connections" "http://127.0.0.1:${PORT[lapp]}/" 8
wrk_setup local-votes "local run (SQLite): vote POST, 8 connections" "http://127.0.0.1:${PORT[lapp]}/" 8 "$WRK_SECONDS" "$TMP/vote.lua"
stop_services lapp lanalytics lstorage

# 3. The earlier scenarios, with the load generator, pinned unless BENCH_PIN=0.
SERVER=("${PINNED_SERVER[@]}")
say "step 3: the load generator; pinning: $PINNING"
[ ${#SERVER[@]} -gt 0 ] && taskset -p -c "${SERVER[2]}" "$(cat "$TMP/redis/redis.pid")" >/dev/null
MYSQL_PORT=$(free_port)
MYSQL_PASSWORD=bench-only-password
mkdir -p "$TMP/mariadb"
AS_ROOT=()
[ "$(id -u)" = 0 ] && AS_ROOT=(--user=mysql)
mariadb-install-db --no-defaults "${AS_ROOT[@]}" --datadir="$TMP/mariadb/data" --skip-test-db \
  --auth-root-authentication-method=socket >"$TMP/mariadb-install.log" 2>&1 || { cat "$TMP/mariadb-install.log"; fail "mariadb-install-db"; }
[ "$(id -u)" = 0 ] && chown -R mysql:mysql "$TMP/mariadb"
"${SERVER[@]}" mariadbd --no-defaults "${AS_ROOT[@]}" --datadir="$TMP/mariadb/data" --socket="$TMP/mariadb/mariadb.sock" \
  --port="$MYSQL_PORT" --bind-address=127.0.0.1 "${MARIADB_FLAGS[@]}" --pid-file="$TMP/mariadb/mariadb.pid" >"$TMP/mariadb.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do [ -S "$TMP/mariadb/mariadb.sock" ] && break; sleep 0.5; done
mariadb --no-defaults -S "$TMP/mariadb/mariadb.sock" -u root -e \
  "CREATE USER 'voting'@'127.0.0.1' IDENTIFIED BY '$MYSQL_PASSWORD'; GRANT ALL PRIVILEGES ON *.* TO 'voting'@'127.0.0.1'; CREATE DATABASE votes;" \
  || fail "MariaDB did not start: $(tail -n 20 "$TMP/mariadb.log")"
say "mariadb on $MYSQL_PORT"

start_service bare "$BARE_CMD" 1.0
start_service storage1 "$STORAGE_CMD" 1.0 REDIS_HOST=127.0.0.1 REDIS_PORT="$REDIS_PORT"
start_service storage2 "$STORAGE_CMD" 2.0 MYSQL_HOST=127.0.0.1 MYSQL_PORT="$MYSQL_PORT" \
  MYSQL_USER=voting MYSQL_PASSWORD="$MYSQL_PASSWORD" MYSQL_DATABASE=votes
start_service analytics1 "$ANALYTICS_CMD" 1.1 STORAGE_HOST=127.0.0.1 STORAGE_PORT="${PORT[storage1]}"
start_service analytics2 "$ANALYTICS_CMD" 2.0 STORAGE_HOST=127.0.0.1 STORAGE_PORT="${PORT[storage2]}"
start_service app1 "$APP_CMD" 1.0 ANALYTICS_HOST=127.0.0.1 ANALYTICS_PORT="${PORT[analytics1]}" \
  STORAGE_HOST=127.0.0.1 STORAGE_PORT="${PORT[storage1]}"
start_service app2 "$APP_CMD" 2.0 ANALYTICS_HOST=127.0.0.1 ANALYTICS_PORT="${PORT[analytics2]}" \
  STORAGE_HOST=127.0.0.1 STORAGE_PORT="${PORT[storage2]}"
wait_http "http://127.0.0.1:${PORT[bare]}/" 60
for name in storage1 storage2 analytics1 analytics2 app1 app2; do wait_http "http://127.0.0.1:${PORT[$name]}/health/ready" 60; done
wait_http "http://127.0.0.1:${PORT[app1]}/" 30
wait_http "http://127.0.0.1:${PORT[app2]}/" 30
say "all services ready"

# A warm-up of every process first: a JIT-compiled service compiles each method again with better code
# after it has run a while (tiered compilation, dynamic PGO); a native one needs none. Then the counts
# start from zero.
say "warming up every service for $PREWARM each"
for url in "http://127.0.0.1:${PORT[app1]}/" "http://127.0.0.1:${PORT[app2]}/" "http://127.0.0.1:${PORT[bare]}/"; do
  "${CLIENT[@]}" "${LOADGEN[@]}" --url "$url" --mode mix --vote-ratio 0.3 --connections "$CONNECTIONS" --duration "$PREWARM" \
    --quiet --max-errors 100 >/dev/null 2>&1 || true
done
"${CLIENT[@]}" "${LOADGEN[@]}" --url "http://127.0.0.1:${PORT[analytics2]}/analytics" --connections "$CONNECTIONS" \
  --duration "$PREWARM" --quiet --max-errors 100 >/dev/null 2>&1 || true
curl -fs -X DELETE "http://127.0.0.1:${PORT[storage1]}/api/votes" >/dev/null
curl -fs -X DELETE "http://127.0.0.1:${PORT[storage2]}/api/votes" >/dev/null

: >"$RESULTS/scenarios.tsv"
measure() { # id label url mode [extra load generator options]
  local id=$1 label=$2 url=$3 mode=$4
  shift 4
  say "measuring $label"
  "${CLIENT[@]}" "${LOADGEN[@]}" --url "$url" --mode "$mode" --connections "$CONNECTIONS" --duration "$DURATION" \
    --warmup "$WARMUP" --max-errors 1 --progress-interval 5s --json "$RESULTS/$id.json" "$@" >"$RESULTS/$id.txt" 2>&1 \
    || { cat "$RESULTS/$id.txt"; fail "$label: the load generator failed"; }
  grep -E 'requests/s|p99 ' "$RESULTS/$id.txt" | tr -s ' │' ' ' | sed 's/^/    /' >&2
  printf '%s\t%s\n' "$id" "$label" >>"$RESULTS/scenarios.tsv"
}
total_votes() { # storage port → the sum of the counts
  curl -fs "http://127.0.0.1:$1/api/votes" | grep -o '"count":[0-9]*' | cut -d: -f2 | awk '{s+=$1} END {print s+0}'
}
add_votes() { # app port, how many
  [ "$2" -gt 0 ] || return 0
  say "adding $2 votes through app $1"
  "${CLIENT[@]}" "${LOADGEN[@]}" --url "http://127.0.0.1:$1/" --mode vote --connections "$CONNECTIONS" --duration 0 \
    --requests "$2" --quiet >"$TMP/add-votes.txt" 2>&1 || { cat "$TMP/add-votes.txt"; fail "adding votes"; }
}

measure get-bare "bare Kestrel GET" "http://127.0.0.1:${PORT[bare]}/" browse
measure post-bare "bare Kestrel POST" "http://127.0.0.1:${PORT[bare]}/" vote
measure get-chain1 "GET / app 1.0 chain (Redis)" "http://127.0.0.1:${PORT[app1]}/" browse
# The p99 of a saturated closed loop is mostly queueing; the same page at half the throughput just
# measured, at a fixed rate (open model, latency from when each request was due), is the p99 a user sees.
half=$(grep -o '"requestsPerSecond": [0-9.]*' "$RESULTS/get-chain1.json" | awk '{printf "%d", $2 / 2}')
measure get-chain1-half "GET / app 1.0 chain at half load (open model)" "http://127.0.0.1:${PORT[app1]}/" browse --rate "$half"
measure get-chain2 "GET / app 2.0 chain (MariaDB)" "http://127.0.0.1:${PORT[app2]}/" browse
measure vote-chain1 "vote app 1.0 → Redis" "http://127.0.0.1:${PORT[app1]}/" vote
add_votes "${PORT[app2]}" 1000
measure analytics2-1k "analytics 2.0, 1 k votes" "http://127.0.0.1:${PORT[analytics2]}/analytics" browse
measure vote-chain2 "vote app 2.0 → MariaDB" "http://127.0.0.1:${PORT[app2]}/" vote
have=$(total_votes "${PORT[storage2]}")
add_votes "${PORT[app2]}" $((TOTAL_VOTES - have))
say "MariaDB holds $(total_votes "${PORT[storage2]}") votes"
measure analytics2-100k "analytics 2.0, $((TOTAL_VOTES / 1000)) k votes" "http://127.0.0.1:${PORT[analytics2]}/analytics" browse
uptime | sed 's/.*load average: //' >"$TMP/load_after"

# Resident memory of each service after the load.
: >"$RESULTS/rss.tsv"
for name in app1 analytics1 storage1 app2 analytics2 storage2; do
  case $name in
    app1) label="app 1.0" ;; analytics1) label="analytics 1.1" ;; storage1) label="storage 1.0" ;;
    app2) label="app 2.0" ;; analytics2) label="analytics 2.0" ;; storage2) label="storage 2.0" ;;
  esac
  printf '%s\t%s\n' "$label" "$(rss_kb "${PID[$name]}")" >>"$RESULTS/rss.tsv"
done

# Cross-check of the pinned scenarios with wrk.
: >"$RESULTS/wrk.tsv"
wrk_run() { # label url [script]
  say "wrk: $1"
  local line
  line=$(WRK_SCRIPT=${3:-} "${CLIENT[@]}" bash -c "source '$ROOT/bench/lib.sh'; wrk_line 2 $CONNECTIONS 10s '$2'") || fail "wrk: $1"
  read -r _ rps p99 <<<"$line"
  printf '%s\t%s\t%s ms\n' "$1" "$rps" "$p99" >>"$RESULTS/wrk.tsv"
}
wrk_run "bare Kestrel GET" "http://127.0.0.1:${PORT[bare]}/"
wrk_run "GET / app 1.0 chain (Redis)" "http://127.0.0.1:${PORT[app1]}/"
wrk_run "bare Kestrel POST" "http://127.0.0.1:${PORT[bare]}/" "$TMP/vote.lua"
wrk_run "vote app 1.0 → Redis" "http://127.0.0.1:${PORT[app1]}/" "$TMP/vote.lua"

# 4. Image sizes, when the images exist (scripts/build-images.sh builds them).
: >"$RESULTS/images.tsv"
for engine in podman docker; do
  command -v "$engine" >/dev/null || continue
  for tag in $(bash "$ROOT/scripts/build-images.sh" --list 2>/dev/null); do
    bytes=$("$engine" image inspect --format '{{.Size}}' "$tag" 2>/dev/null) || continue
    # The base the image runs on: the last FROM of its Dockerfile (voting-app:1.0 → Dockerfile.app).
    component=${tag##*/}; component=${component%%:*}; component=${component#voting-}
    base=$(awk '/^FROM /{b=$2} END{print b}' "$ROOT/Dockerfile.$component" 2>/dev/null)
    base_bytes=$("$engine" image inspect --format '{{.Size}}' "$base" 2>/dev/null || echo 0)
    printf '%s\t%s\t%s\t%s\n' "$tag" "$bytes" "$base_bytes" "$base" >>"$RESULTS/images.tsv"
  done
  [ -s "$RESULTS/images.tsv" ] && { IMAGES_BY=$engine; break; }
done
say "images: $([ -s "$RESULTS/images.tsv" ] && echo "$(wc -l <"$RESULTS/images.tsv") measured with $IMAGES_BY" || echo "not built, not measured")"

# 5. The report.
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine=$(uname -srm), $CPUS CPUs"
  echo "cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "memory=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "dotnet=$(dotnet --version)"
  echo "build=dotnet publish -c Release: $BUILD"
  echo "setup=issues 13 and 24: wrk -t2 -c$CONNECTIONS (local run: -c8), bare, floor and chain interleaved in $ROUNDS rounds of ${WRK_SECONDS} s per figure, no pinning: wrk and every server share all $CPUS CPUs"
  echo "pinning=$PINNING (load generator scenarios)"
  echo "connections=$CONNECTIONS (closed loop, except the open-model scenario)"
  echo "duration=$DURATION per load generator scenario"
  echo "warmup=$PREWARM of mixed load per chain before the load generator scenarios, then $WARMUP before each"
  echo "load_before=$(cat "$TMP/load_before") (1, 5, 15 min load average before the first measurement)"
  echo "load_after=$(cat "$TMP/load_after")"
  echo "duration_total=$SECONDS s"
  echo "note=${BENCH_NOTE:-}"
} >"$RESULTS/meta.txt"
[ -f "$ROOT/bench/notes.md" ] && cp "$ROOT/bench/notes.md" "$RESULTS/notes.md"
mkdir -p "$OUT"
status=0
# Issue 24's table first: the page includes the floor-goals.tsv it writes.
echo "Issue 24: the chain as a ratio to bare and to the floor, $ROUNDS interleaved rounds of $WRK_SECONDS s"
bash "$ROOT/bench/floor-goals.sh" "$RESULTS" || status=$?
echo
dotnet "$PUB/BenchReport/BenchReport.dll" "$RESULTS" "$OUT/benchmarks.md" "$OUT/benchmarks.svg" || { code=$?; [ "$status" -ge "$code" ] || status=$code; }
[ -n "${BENCH_KEEP:-}" ] && cp -r "$RESULTS" "$BENCH_KEEP"
say "done in $SECONDS s"
exit $status
