#!/usr/bin/env bash
# What each component on a request's way costs in CPU, by switching it off alone (bench/notes.md).
#   bash bench/component-cost.sh            # ~8 minutes on 2 cores
# 1. Copies src/ to a scratch folder and publishes the three services there in Release with
#    -p:VotingBenchSwitches=true (src/VotingApp.ServiceDefaults/BenchSwitches.cs): only that build reads
#    VOTING_BENCH_OFF; the project's own bin/ and obj/ are not touched.
# 2. Starts Redis and one app 1.0 → analytics 1.1 → storage 1.0 chain per variant (nothing off, each
#    component off alone, everything off), all at once, and warms each one up.
# 3. In BENCH_COST_ROUNDS rounds, variant after variant, runs wrk (GET / and the vote POST) and reads the CPU
#    time (utime + stime in /proc/PID/stat) that the chain's processes and Redis used meanwhile. CPU seconds
#    per request move much less with other load on the machine than requests per second do.
#    The services run with DOTNET_TieredCompilation=0 (fully optimized code from the first call, no tiering
#    or PGO; it does not apply to a native build), so that every variant is measured at the same code quality
#    after a short warm-up instead of at whatever tier the JIT reached on a busy machine.
# Prints one line per variant: the lowest and the median µs of CPU per page and per vote over the rounds,
# and Δ, the median over the rounds of none's figure minus this variant's in the same round: all variants
# drift together with other load and with the machine, so a paired difference is the steadier figure.
# Settings: BENCH_COST_ROUNDS (5), BENCH_COST_SECONDS (5 s per measurement), BENCH_COST_WARMUP (10 s per
#   chain), BENCH_COST_VARIANTS (the list below), BENCH_COST_PUBLISHED (an existing publish folder of such a
#   build, to skip step 1), BENCH_COST_PUBLISH_TO (keep the build there for later runs), BENCH_COST_STORE
#   (redis, or sqlite for the vote path on the local run's store).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source "$ROOT/bench/lib.sh"

ROUNDS=${BENCH_COST_ROUNDS:-5}
SECONDS_EACH=${BENCH_COST_SECONDS:-5}
WARM=${BENCH_COST_WARMUP:-10}
VARIANTS=(${BENCH_COST_VARIANTS:-none logging tracing metrics propagation resilience chain page client-logging track errors
  security-headers request-id request-limits head rate-limits faults all})
STORE=${BENCH_COST_STORE:-redis}
export PATH=$PATH:/usr/sbin DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
for tool in dotnet redis-server wrk curl; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done

TMP=$(mktemp -d /tmp/voting-cost.XXXXXX)
PIDS=()
SERVER=()
trap cleanup EXIT

PUB=${BENCH_COST_PUBLISHED:-}
if [ -z "$PUB" ]; then
  say "publishing the services with the bench switches (a copy of src/ in $TMP)"
  mkdir -p "$TMP/tree"
  cp -r "$ROOT/src" "$ROOT/Directory.Build.props" "$ROOT/Directory.Packages.props" "$TMP/tree/"
  find "$TMP/tree/src" -depth -type d \( -name bin -o -name obj \) -exec rm -rf {} +
  PUB=${BENCH_COST_PUBLISH_TO:-$TMP/publish}
  for project in VotingApp.App VotingApp.Analytics VotingApp.Storage; do
    publish "$TMP/tree/src/$project" "$PUB" -p:VotingBenchSwitches=true
  done
fi

REDIS_PORT=$(free_port)
mkdir -p "$TMP/redis"
redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$TMP/redis" --pidfile "$TMP/redis/redis.pid" \
  --logfile "$TMP/redis.log" "${REDIS_FLAGS[@]}" >/dev/null
for _ in $(seq 1 50); do [ -s "$TMP/redis/redis.pid" ] && break; sleep 0.1; done
REDIS_PID=$(cat "$TMP/redis/redis.pid")

declare -A APP_PORT CHAIN_PIDS
start() { # variant name folder version env...
  local variant=$1 name=$2 folder=$3 version=$4 port
  shift 4
  port=$(free_port)
  env VOTING_BENCH_OFF="$variant" VOTING_VERSION="$version" ASPNETCORE_HTTP_PORTS="$port" ASPNETCORE_ENVIRONMENT=Production \
    ${BENCH_GC_GEN0:+DOTNET_GCgen0size=$BENCH_GC_GEN0} DOTNET_TieredCompilation=0 "$@" $(published_command "$PUB/$folder" "$folder") >"$TMP/$variant-$name.log" 2>&1 &
  PIDS+=($!)
  CHAIN_PIDS[$variant]="${CHAIN_PIDS[$variant]:-} $!"
  STARTED_PORT=$port
}
for variant in "${VARIANTS[@]}"; do
  if [ "$STORE" = sqlite ]; then
    start "$variant" storage VotingApp.Storage 1.0 STORAGE_BACKEND=sqlite SQLITE_PATH="$TMP/$variant.db"
  else
    start "$variant" storage VotingApp.Storage 1.0 REDIS_HOST=127.0.0.1 REDIS_PORT="$REDIS_PORT"
  fi
  storage=$STARTED_PORT
  start "$variant" analytics VotingApp.Analytics 1.1 STORAGE_HOST=127.0.0.1 STORAGE_PORT="$storage"
  analytics=$STARTED_PORT
  start "$variant" app VotingApp.App 1.0 ANALYTICS_HOST=127.0.0.1 ANALYTICS_PORT="$analytics" STORAGE_HOST=127.0.0.1 STORAGE_PORT="$storage"
  APP_PORT[$variant]=$STARTED_PORT
done
write_vote_script "$TMP/vote.lua"
for variant in "${VARIANTS[@]}"; do
  wait_http "http://127.0.0.1:${APP_PORT[$variant]}/health/ready" 90
  say "warming up the chain with $variant off for $WARM s"
  wrk -t2 -c16 -d"$((WARM * 3 / 4))s" "http://127.0.0.1:${APP_PORT[$variant]}/" >/dev/null
  WRK_SCRIPT=$TMP/vote.lua wrk -t2 -c16 -d"$((WARM / 4))s" "http://127.0.0.1:${APP_PORT[$variant]}/" >/dev/null
done

# One measurement: "µs of CPU per request, requests/s, p99 ms".
measure() { # variant [wrk script]
  local pids=(${CHAIN_PIDS[$1]} "$REDIS_PID") before after line
  before=$(cpu_ticks "${pids[@]}")
  line=$(WRK_SCRIPT=${2:-} wrk_line 2 16 "${SECONDS_EACH}s" "http://127.0.0.1:${APP_PORT[$1]}/")
  after=$(cpu_ticks "${pids[@]}")
  read -r requests rps p99 <<<"$line"
  awk -v t=$((after - before)) -v hz="$CLOCK_TICKS" -v n="$requests" -v rps="$rps" -v p99="$p99" \
    'BEGIN { printf "%.1f %s %s\n", t / hz * 1e6 / n, rps, p99 }'
}
: >"$TMP/cost.tsv"
for round in $(seq 1 "$ROUNDS"); do
  for variant in "${VARIANTS[@]}"; do
    get=$(measure "$variant")
    post=$(measure "$variant" "$TMP/vote.lua")
    printf '%s\t%s\t%s\n' "$variant" "$get" "$post" >>"$TMP/cost.tsv"
    say "round $round, $variant off: GET µs/req req/s p99 = $get; vote = $post"
  done
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
lowest() { sort -n | head -n 1; }
column() { # variant, 2 (GET) or 3 (vote) → the µs per request of each round, one a line
  awk -F'\t' -v v="$1" -v c="$2" '$1 == v { split($c, a, " "); print a[1] }' "$TMP/cost.tsv"
}
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $ROUNDS rounds of ${SECONDS_EACH} s, wrk -t2 -c16, store $STORE, load $(uptime | sed 's/.*load average: //')"
echo "µs of CPU per request (chain processes + Redis): lowest / median of the rounds; Δ = the median over the rounds"
echo "of (none − this) within the same round, so that a slow round (other load) counts against both alike"
printf '%-16s %18s %8s %18s %8s\n' "off" "page low / median" "Δ page" "vote low / median" "Δ vote"
paired() { # variant column → the median of none's minus the variant's figure, round by round
  paste <(column none "$2") <(column "$1" "$2") | awk '{ print $1 - $2 }' | median
}
for variant in "${VARIANTS[@]}"; do
  awk -v v="$variant" -v gl="$(column "$variant" 2 | lowest)" -v gm="$(column "$variant" 2 | median)" \
    -v pl="$(column "$variant" 3 | lowest)" -v pm="$(column "$variant" 3 | median)" \
    -v gd="$(paired "$variant" 2)" -v pd="$(paired "$variant" 3)" \
    'BEGIN { printf "%-16s %8.0f / %7.0f %8.0f %8.0f / %7.0f %8.0f\n", v, gl, gm, gd, pl, pm, pd }'
done
[ -n "${BENCH_KEEP:-}" ] && cp "$TMP/cost.tsv" "$BENCH_KEEP"
exit 0
