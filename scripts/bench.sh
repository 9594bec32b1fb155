#!/usr/bin/env bash
# The benchmark anyone can rerun: scripts/bench.sh
#   1. publishes the services, the load generator, the bare Kestrel reference (bench/BareHello) and the
#      report writer (bench/BenchReport) in Release,
#   2. starts Redis and MariaDB on 127.0.0.1 in a temporary folder, the 1.0/1.1 chain (app 1.0 →
#      analytics 1.1 → storage 1.0 on Redis), the 2.0 chain (app 2.0 → analytics 2.0 → storage 2.0 on
#      MariaDB) and the bare endpoint, all at once, with the services' defaults (logging, tracing, metrics
#      and resilience on),
#   3. measures each scenario with the load generator (16 connections, closed loop, after a warm-up) and,
#      when wrk is installed, cross-checks the main ones with wrk,
#   4. prints the figures beside their goals and writes docs/benchmarks.md and docs/benchmarks.png.
# Needs: the .NET SDK, redis-server and mariadb-server (Debian packages), curl; taskset (util-linux) for pinning.
# Settings (environment): BENCH_DURATION (20s), BENCH_WARMUP (5s before each scenario), BENCH_PREWARM (60s
#   of mixed load on each service before the first scenario), BENCH_CONNECTIONS (16),
#   BENCH_PIN (1: servers on the first half of the CPUs, the load generator on the rest; 0: no pinning),
#   BENCH_VOTES (100000: votes in MariaDB before the second analytics measurement), BENCH_NOTE (free text
#   for the page), BENCH_OUT (docs: where the page and chart go).
# Exits 1 when a goal is missed, 2 when the run itself failed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

DURATION=${BENCH_DURATION:-20s}
WARMUP=${BENCH_WARMUP:-5s}
PREWARM=${BENCH_PREWARM:-60s}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
PIN=${BENCH_PIN:-1}
TOTAL_VOTES=${BENCH_VOTES:-100000}
OUT=${BENCH_OUT:-$ROOT/docs}

say() { printf '[bench %4ss] %s\n' "$SECONDS" "$*" >&2; }
fail() { say "FAILED: $*"; exit 2; }

for tool in dotnet redis-server mariadbd mariadb-install-db curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || fail "$tool is not installed (apt-get install redis-server mariadb-server curl)"
done
export PATH=$PATH:/usr/sbin
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

TMP=$(mktemp -d /tmp/voting-bench.XXXXXX)
chmod 755 "$TMP"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$TMP/redis/redis.pid" ] && kill "$(cat "$TMP/redis/redis.pid")" 2>/dev/null || true
  sleep 1
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# CPU pinning: on a small machine the load generator competes with the services for the same cores.
CPUS=$(nproc)
if [ "$PIN" = 1 ] && [ "$CPUS" -ge 2 ] && command -v taskset >/dev/null; then
  half=$((CPUS / 2))
  SERVER_CPUS="0-$((half - 1))"
  CLIENT_CPUS="$half-$((CPUS - 1))"
  SERVER=(taskset -c "$SERVER_CPUS")
  CLIENT=(taskset -c "$CLIENT_CPUS")
  PINNING="servers (services, Redis, MariaDB, bare endpoint) on CPU $SERVER_CPUS, load generator and wrk on CPU $CLIENT_CPUS"
else
  SERVER=()
  CLIENT=()
  PINNING="none: load generator and servers share all $CPUS CPUs"
fi
say "pinning: $PINNING"

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

wait_http() { # url seconds
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$1"; do
    [ $SECONDS -lt $deadline ] || fail "$1 did not answer within $2 s (logs in $TMP/*.log: $(tail -n 5 "$TMP"/*.log 2>/dev/null))"
    sleep 0.3
  done
}

# 1. Release builds.
say "publishing in Release"
PUB=$TMP/publish
for project in src/VotingApp.App src/VotingApp.Analytics src/VotingApp.Storage src/VotingApp.LoadGenerator bench/BareHello bench/BenchReport; do
  dotnet publish "$project" -c Release -o "$PUB/$(basename "$project")" -v q -nologo >"$TMP/publish.log" 2>&1 \
    || { cat "$TMP/publish.log"; fail "publishing $project"; }
done
LOADGEN=(dotnet "$PUB/VotingApp.LoadGenerator/voting-loadgenerator.dll")

# 2. The stores.
REDIS_PORT=$(free_port)
mkdir -p "$TMP/redis"
"${SERVER[@]}" redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$TMP/redis" \
  --pidfile "$TMP/redis/redis.pid" --logfile "$TMP/redis.log" --appendonly yes --appendfsync everysec --save "" \
  --protected-mode no >/dev/null
say "redis on $REDIS_PORT"

MYSQL_PORT=$(free_port)
MYSQL_PASSWORD=bench-only-password
mkdir -p "$TMP/mariadb"
AS_ROOT=()
[ "$(id -u)" = 0 ] && AS_ROOT=(--user=mysql)
mariadb-install-db --no-defaults "${AS_ROOT[@]}" --datadir="$TMP/mariadb/data" --skip-test-db \
  --auth-root-authentication-method=socket >"$TMP/mariadb-install.log" 2>&1 || { cat "$TMP/mariadb-install.log"; fail "mariadb-install-db"; }
[ "$(id -u)" = 0 ] && chown -R mysql:mysql "$TMP/mariadb"
"${SERVER[@]}" mariadbd --no-defaults "${AS_ROOT[@]}" --datadir="$TMP/mariadb/data" --socket="$TMP/mariadb/mariadb.sock" \
  --port="$MYSQL_PORT" --bind-address=127.0.0.1 --skip-name-resolve --innodb-buffer-pool-size=64M \
  --innodb-flush-log-at-trx-commit=1 --max-connections=300 --pid-file="$TMP/mariadb/mariadb.pid" >"$TMP/mariadb.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do [ -S "$TMP/mariadb/mariadb.sock" ] && break; sleep 0.5; done
mariadb --no-defaults -S "$TMP/mariadb/mariadb.sock" -u root -e \
  "CREATE USER 'voting'@'127.0.0.1' IDENTIFIED BY '$MYSQL_PASSWORD'; GRANT ALL PRIVILEGES ON *.* TO 'voting'@'127.0.0.1'; CREATE DATABASE votes;" \
  || fail "MariaDB did not start: $(tail -n 20 "$TMP/mariadb.log")"
say "mariadb on $MYSQL_PORT"

# 3. The services, as published, configured only through environment variables.
declare -A PORT PID
start_service() { # name dll version env...
  local name=$1 dll=$2 version=$3
  shift 3
  PORT[$name]=$(free_port)
  # DOTNET_GCgen0size as the images set it (Dockerfile.*), for the bare endpoint too, so that both sides
  # of every ratio run with the same garbage collector settings.
  env VOTING_VERSION="$version" ASPNETCORE_HTTP_PORTS="${PORT[$name]}" ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_GCgen0size="${BENCH_GC_GEN0:-0x1000000}" "$@" \
    "${SERVER[@]}" dotnet "$PUB/$dll" >"$TMP/$name.log" 2>&1 &
  PID[$name]=$!
  PIDS+=($!)
}
start_service bare BareHello/BareHello.dll 1.0
start_service storage1 VotingApp.Storage/VotingApp.Storage.dll 1.0 REDIS_HOST=127.0.0.1 REDIS_PORT="$REDIS_PORT"
start_service storage2 VotingApp.Storage/VotingApp.Storage.dll 2.0 MYSQL_HOST=127.0.0.1 MYSQL_PORT="$MYSQL_PORT" \
  MYSQL_USER=voting MYSQL_PASSWORD="$MYSQL_PASSWORD" MYSQL_DATABASE=votes
start_service analytics1 VotingApp.Analytics/VotingApp.Analytics.dll 1.1 STORAGE_HOST=127.0.0.1 STORAGE_PORT="${PORT[storage1]}"
start_service analytics2 VotingApp.Analytics/VotingApp.Analytics.dll 2.0 STORAGE_HOST=127.0.0.1 STORAGE_PORT="${PORT[storage2]}"
start_service app1 VotingApp.App/VotingApp.App.dll 1.0 ANALYTICS_HOST=127.0.0.1 ANALYTICS_PORT="${PORT[analytics1]}" \
  STORAGE_HOST=127.0.0.1 STORAGE_PORT="${PORT[storage1]}"
start_service app2 VotingApp.App/VotingApp.App.dll 2.0 ANALYTICS_HOST=127.0.0.1 ANALYTICS_PORT="${PORT[analytics2]}" \
  STORAGE_HOST=127.0.0.1 STORAGE_PORT="${PORT[storage2]}"
wait_http "http://127.0.0.1:${PORT[bare]}/" 60
for name in storage1 storage2 analytics1 analytics2 app1 app2; do wait_http "http://127.0.0.1:${PORT[$name]}/health/ready" 60; done
wait_http "http://127.0.0.1:${PORT[app1]}/" 30
wait_http "http://127.0.0.1:${PORT[app2]}/" 30
say "all services ready"

# A long warm-up of every process first: .NET compiles each method again with better code after it has run
# a while (tiered compilation, dynamic PGO), which took 30–45 s of saturating load on one shared core here; without it
# the first scenarios would measure the JIT, not the service. Then the counts start from zero.
say "warming up every service for $PREWARM each"
for url in "http://127.0.0.1:${PORT[app1]}/" "http://127.0.0.1:${PORT[app2]}/" "http://127.0.0.1:${PORT[bare]}/"; do
  "${CLIENT[@]}" "${LOADGEN[@]}" --url "$url" --mode mix --vote-ratio 0.3 --connections "$CONNECTIONS" --duration "$PREWARM" \
    --quiet --max-errors 100 >/dev/null 2>&1 || true
done
"${CLIENT[@]}" "${LOADGEN[@]}" --url "http://127.0.0.1:${PORT[analytics2]}/analytics" --connections "$CONNECTIONS" \
  --duration "$PREWARM" --quiet --max-errors 100 >/dev/null 2>&1 || true
curl -fs -X DELETE "http://127.0.0.1:${PORT[storage1]}/api/votes" >/dev/null
curl -fs -X DELETE "http://127.0.0.1:${PORT[storage2]}/api/votes" >/dev/null

# 4. The measurements.
RESULTS=$TMP/results
mkdir -p "$RESULTS"
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
  curl -fs "http://127.0.0.1:$1/api/votes" | grep -o '"count":[0-9]*' | cut -d: -f2 | paste -sd+ | bc
}
add_votes() { # app port, how many
  [ "$2" -gt 0 ] || return 0
  say "adding $2 votes through app $1"
  "${CLIENT[@]}" "${LOADGEN[@]}" --url "http://127.0.0.1:$1/" --mode vote --connections "$CONNECTIONS" --duration 0 \
    --requests "$2" --quiet >"$TMP/add-votes.txt" 2>&1 || { cat "$TMP/add-votes.txt"; fail "adding votes"; }
}
command -v bc >/dev/null || total_votes() { curl -fs "http://127.0.0.1:$1/api/votes" | grep -o '"count":[0-9]*' | cut -d: -f2 | awk '{s+=$1} END {print s+0}'; }

uptime | sed 's/.*load average: //' >"$TMP/load_before"
say "machine load before: $(cat "$TMP/load_before")"
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
  printf '%s\t%s\n' "$label" "$(awk '/^VmRSS:/ {print $2}' "/proc/${PID[$name]}/status")" >>"$RESULTS/rss.tsv"
done

# Cross-check with wrk, when installed.
if command -v wrk >/dev/null; then
  cat >"$TMP/vote.lua" <<'EOF'
wrk.method = "POST"
wrk.body = "vote=Cats"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
EOF
  : >"$RESULTS/wrk.tsv"
  wrk_run() { # label url [script]
    say "wrk: $1"
    local out
    out=$("${CLIENT[@]}" wrk -t2 -c"$CONNECTIONS" -d10s --latency ${3:+-s "$3"} "$2")
    local rps p99
    rps=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    printf '%s\t%s\t%s\n' "$1" "$rps" "$p99" >>"$RESULTS/wrk.tsv"
  }
  wrk_run "bare Kestrel GET" "http://127.0.0.1:${PORT[bare]}/"
  wrk_run "GET / app 1.0 chain (Redis)" "http://127.0.0.1:${PORT[app1]}/"
  wrk_run "bare Kestrel POST" "http://127.0.0.1:${PORT[bare]}/" "$TMP/vote.lua"
  wrk_run "vote app 1.0 → Redis" "http://127.0.0.1:${PORT[app1]}/" "$TMP/vote.lua"
else
  say "wrk is not installed: no cross-check (apt-get install wrk)"
fi

# 5. The report.
{
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine=$(uname -srm), $CPUS CPUs"
  echo "cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "memory=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "dotnet=$(dotnet --version)"
  echo "pinning=$PINNING"
  echo "connections=$CONNECTIONS (closed loop, except the open-model scenario)"
  echo "duration=$DURATION per scenario"
  echo "warmup=$PREWARM of mixed load per chain before the first scenario, then $WARMUP before each scenario"
  echo "load_before=$(cat "$TMP/load_before") (1, 5, 15 min load average before the first scenario)"
  echo "load_after=$(cat "$TMP/load_after")"
  echo "note=${BENCH_NOTE:-}"
} >"$RESULTS/meta.txt"
[ -f "$ROOT/bench/notes.md" ] && cp "$ROOT/bench/notes.md" "$RESULTS/notes.md"
mkdir -p "$OUT"
status=0
dotnet "$PUB/BenchReport/BenchReport.dll" "$RESULTS" "$OUT/benchmarks.md" "$OUT/benchmarks.png" || status=$?
[ -n "${BENCH_KEEP:-}" ] && cp -r "$RESULTS" "$BENCH_KEEP"
exit $status
