#!/usr/bin/env bash
# Where a request's CPU goes in the shipped binaries: the chain beside the floor (issue 24, bench/notes.md).
#   bash bench/profile.sh        # ~2 minutes of load, plus publishing
# 1. Publishes the three services and bench/FloorChain in Release as they ship (Native AOT), unless
#    BENCH_PUBLISHED names a folder that has them (VotingApp.App/, …, FloorChain/). The executables are
#    published stripped (StripSymbols, the SDK's default) with their symbols in the .dbg file beside each one;
#    perf finds it through the executable's .gnu_debuglink, so keep the two files together.
# 2. Starts Redis, the chain (app 1.0 → analytics 1.1 → storage 1.0) and the floor, and warms both up.
# 3. For GET / and the vote POST, the chain then the floor: wrk -t2 -c16 for PROFILE_SECONDS while
#    `perf record -g -e cpu-clock` samples the three processes at PROFILE_FREQUENCY Hz. A sample is 1/frequency
#    s of CPU, so samples / frequency / requests served is a function's CPU per request.
# 4. Prints per process the CPU µs per request and its top PROFILE_TOP functions (self time:
#    perf report --no-children --sort symbol), then per component (the assembly a function was compiled from,
#    the kernel, the runtime) the µs per request of the chain and of the floor side by side.
# Needs perf (Debian: linux-perf) and wrk, redis-server. perf must be allowed to sample other processes and the
# kernel: run as root, or first `echo -1 > /proc/sys/kernel/perf_event_paranoid` (as root; -1 also lets a
# user see kernel samples). This VM has no hardware counters, hence the software clock (cpu-clock).
# Settings: PROFILE_SECONDS (10), PROFILE_FREQUENCY (999), PROFILE_TOP (15), PROFILE_KEEP (a folder to keep
#   the perf.data files and reports in, for perf report --children or a call graph later).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source "$ROOT/bench/lib.sh"

SECONDS_EACH=${PROFILE_SECONDS:-10}
FREQUENCY=${PROFILE_FREQUENCY:-999}
TOP=${PROFILE_TOP:-15}
export PATH=$PATH:/usr/sbin DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
for tool in dotnet redis-server wrk curl perf; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done
[ "$(id -u)" = 0 ] || [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -le 0 ] ||
  fail "perf cannot sample other processes here: run as root or echo -1 > /proc/sys/kernel/perf_event_paranoid"

TMP=$(mktemp -d /tmp/voting-profile.XXXXXX)
PIDS=()
SERVER=()
trap cleanup EXIT

PUB=${BENCH_PUBLISHED:-$TMP/publish}
for project in src/VotingApp.App src/VotingApp.Analytics src/VotingApp.Storage bench/FloorChain; do
  name=$(basename "$project")
  [ -e "$PUB/$name/$name" ] && continue
  say "publishing $project"
  publish "$project" "$PUB"
done
for name in VotingApp.App VotingApp.Analytics VotingApp.Storage FloorChain; do
  [ -x "$PUB/$name/$name" ] || fail "$PUB/$name/$name is not a native executable (publish with PublishAot)"
  [ -f "$PUB/$name/$name.dbg" ] || nm "$PUB/$name/$name" >/dev/null 2>&1 ||
    say "no symbols for $name (neither $name.dbg nor a symbol table): functions will show as addresses"
done

REDIS_PORT=$(free_port)
mkdir -p "$TMP/redis"
redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$TMP/redis" --pidfile "$TMP/redis/redis.pid" \
  --logfile "$TMP/redis.log" "${REDIS_FLAGS[@]}" >/dev/null
for _ in $(seq 1 50); do [ -s "$TMP/redis/redis.pid" ] && break; sleep 0.1; done

declare -A PORT PROCESS
start() { # name command env...
  local name=$1 command=$2
  shift 2
  PORT[$name]=$(free_port)
  env ASPNETCORE_HTTP_PORTS="${PORT[$name]}" ASPNETCORE_ENVIRONMENT=Production "$@" $command >"$TMP/$name.log" 2>&1 &
  PIDS+=($!)
  PROCESS[$name]=$!
}
start storage "$PUB/VotingApp.Storage/VotingApp.Storage" VOTING_VERSION=1.0 REDIS_HOST=127.0.0.1 REDIS_PORT="$REDIS_PORT"
start analytics "$PUB/VotingApp.Analytics/VotingApp.Analytics" VOTING_VERSION=1.1 STORAGE_HOST=127.0.0.1 STORAGE_PORT="${PORT[storage]}"
start app "$PUB/VotingApp.App/VotingApp.App" VOTING_VERSION=1.0 ANALYTICS_HOST=127.0.0.1 ANALYTICS_PORT="${PORT[analytics]}" \
  STORAGE_HOST=127.0.0.1 STORAGE_PORT="${PORT[storage]}"
start fstorage "$PUB/FloorChain/FloorChain storage" FLOOR_REDIS="127.0.0.1:$REDIS_PORT"
start fanalytics "$PUB/FloorChain/FloorChain analytics" FLOOR_STORAGE="http://127.0.0.1:${PORT[fstorage]}"
start fapp "$PUB/FloorChain/FloorChain app" FLOOR_ANALYTICS="http://127.0.0.1:${PORT[fanalytics]}" FLOOR_STORAGE="http://127.0.0.1:${PORT[fstorage]}"
wait_http "http://127.0.0.1:${PORT[app]}/health/ready" 60
wait_http "http://127.0.0.1:${PORT[app]}/" 30
wait_http "http://127.0.0.1:${PORT[fapp]}/" 30
write_vote_script "$TMP/vote.lua"
for app in app fapp; do
  say "warming up ${app/fapp/the floor}"
  wrk -t2 -c16 -d5s "http://127.0.0.1:${PORT[$app]}/" >/dev/null
  WRK_SCRIPT=$TMP/vote.lua wrk -t2 -c16 -d2s "http://127.0.0.1:${PORT[$app]}/" >/dev/null
done

# One profile: wrk on the side's app while perf samples its three processes. Writes $TMP/<id>.data and
# $TMP/<id>.requests.
profile() { # id side (chain|floor) [wrk script]
  local id=$1 prefix line
  [ "$2" = floor ] && prefix=f || prefix=
  say "profiling $id: wrk -t2 -c16 -d${SECONDS_EACH}s with perf record -g at $FREQUENCY Hz"
  perf record -q -F "$FREQUENCY" -g -e cpu-clock -o "$TMP/$id.data" \
    -p "${PROCESS[${prefix}app]},${PROCESS[${prefix}analytics]},${PROCESS[${prefix}storage]}" >"$TMP/$id.perf.log" 2>&1 &
  local perf_pid=$!
  sleep 0.5
  line=$(WRK_SCRIPT=${3:-} wrk_line 2 16 "${SECONDS_EACH}s" "http://127.0.0.1:${PORT[${prefix}app]}/") || fail "wrk: $id"
  # perf ended on its own (it failed, or the processes it samples ended): its profile would be short, so say so.
  kill -INT "$perf_pid" 2>/dev/null || fail "perf stopped before wrk ended ($id): $(tail -n 3 "$TMP/$id.perf.log")"
  wait "$perf_pid" || true
  read -r requests rps p99 <<<"$line"
  echo "$requests" >"$TMP/$id.requests"
  say "    $rps req/s, p99 $p99 ms"
}

# The component a function belongs to, from its name: Native AOT names a managed function after its
# assembly (System.Net.Http → System_Net_Http_…), the runtime's own functions start with Rh or are the GC's.
COMPONENTS='
function component(kind, sym) {
  if (kind == "[k]") return (sym ~ /sched|switch|yield|wake|futex|_raw_spin|rseq|hrtimer/) ? "kernel: scheduling, wake-ups, spin-wait yields" : "kernel: TCP over loopback, syscalls, epoll"
  if (sym ~ /^(__sched_yield|RhSpinWait|PalSwitchToThread|S_P_CoreLib_System_Threading_(LowLevelSpinWaiter|Thread__Yield|Thread__SpinWait))/) return "spin-waiting (thread pool, locks)"
  # A generic instantiated for a library (ConcurrentDictionary<OpenTelemetry…>) counts for that library.
  if (sym ~ /OpenTelemetry|System_Diagnostics_DiagnosticSource/) return "telemetry (OpenTelemetry metrics, activities)"
  if (sym ~ /Polly|Http_Resilience/) return "resilience (Polly)"
  if (sym ~ /Serilog|Microsoft_Extensions_Logging/) return "logging (Microsoft.Extensions.Logging, Serilog)"
  if (sym ~ /Microsoft_Extensions_DependencyInjection/) return "dependency injection (resolving services)"
  if (sym ~ /^(WKS|SVR)::/) return "runtime: garbage collection"
  if (sym ~ /^(RhpNew|RhNew|RhpAssignRef|RhpCheckedAssignRef|RhpByRefAssignRef|RhBulkMove|RhpGcAlloc|RhpNewArray)/) return "runtime: allocation, write barriers"
  if (sym ~ /^(Rhp?[A-Z]|Pal|S_P_CoreLib_System_Runtime_|S_P_CoreLib_Internal_Runtime)/) return "runtime: interface dispatch, casts, generic lookups"
  if (sym ~ /^S_P_CoreLib_System_Threading_/) return "CoreLib: thread pool, async, locks"
  if (sym ~ /^S_P_CoreLib_/) return "CoreLib: other (strings, collections, …)"
  if (sym ~ /^System_Net_Http_/) return "HttpClient (System.Net.Http)"
  if (sym ~ /^System_Net_/) return "sockets (System.Net.*)"
  if (sym ~ /^Microsoft_AspNetCore_Server_Kestrel/) return "Kestrel"
  if (sym ~ /^Microsoft_AspNetCore_(Routing|Http_Extensions|Http_Results|Http_RequestDelegate)/) return "ASP.NET Core: routing, endpoints, results"
  if (sym ~ /^Microsoft_AspNetCore_/) return "ASP.NET Core: hosting, middleware, other"
  if (sym ~ /^Microsoft_Extensions_/) return "Microsoft.Extensions: options, HttpClient factory, other"
  if (sym ~ /^System_Text_Json/) return "JSON (System.Text.Json)"
  if (sym ~ /^System_IO_Pipelines/) return "System.IO.Pipelines"
  if (sym ~ /^(StackExchange_Redis|Pipelines_Sockets)/) return "Redis client (StackExchange.Redis)"
  if (sym ~ /^(VotingApp|FloorChain)_/) return "the service'"'"'s own code"
  if (sym ~ /^System_/) return "BCL: other assemblies (collections, …)"
  if (sym ~ /^0x/) return "unresolved addresses"
  return "libc: send, recv, epoll, clock, memset"
}'

# perf report, self time per function of each of a side's processes: "pid samples kind symbol" lines.
samples() { # id side
  local prefix name pid
  [ "$2" = floor ] && prefix=f || prefix=
  for name in app analytics storage; do
    pid=${PROCESS[$prefix$name]}
    perf report -i "$TMP/$1.data" --pid "$pid" --stdio --no-children -g none -n --sort symbol --percent-limit 0 2>/dev/null |
      awk -v pid="$pid" '/^ +[0-9.]+%/ { sub(/[ -]+$/, ""); sym = $4; for (i = 5; i <= NF; i++) sym = sym " " $i; print pid, $2, $3, sym }'
  done
}

report() { # id side label
  local id=$1 prefix name requests
  [ "$2" = floor ] && prefix=f || prefix=
  requests=$(cat "$TMP/$id.requests")
  samples "$id" "$2" >"$TMP/$id.samples"
  echo
  echo "== $3: $requests requests in ${SECONDS_EACH} s"
  for name in app analytics storage; do
    awk -v pid="${PROCESS[$prefix$name]}" -v f="$FREQUENCY" -v n="$requests" -v top="$TOP" -v who="$name" '
      $1 == pid { total += $2; line[++k] = $0 }
      END {
        if (!total) { printf "-- %s: no samples\n", who; exit }
        printf "-- %s: %.0f µs of CPU per request (%d samples); top %d functions, self time:\n", who, total / f * 1e6 / n, total, top
        for (i = 1; i <= k && i <= top; i++) {
          split(line[i], p, " "); sym = line[i]; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", sym)
          printf "   %5.1f %%  %6.1f µs  %s %s\n", p[2] * 100 / total, p[2] / f * 1e6 / n, p[3], substr(sym, 1, 110)
        }
      }' "$TMP/$id.samples"
  done
}

# Per component, µs of CPU per request in the three processes of each side, and the difference (largest first).
compare() { # chain id, floor id, label
  echo
  echo "== $3: µs of CPU per request by component (the three processes of each side)"
  printf '   %-58s %9s %9s %9s\n' component chain floor extra
  awk -v f="$FREQUENCY" -v nc="$(cat "$TMP/$1.requests")" -v nf="$(cat "$TMP/$2.requests")" "$COMPONENTS"'
    FNR == 1 { side++ }
    { sym = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", sym); c = component($3, sym); seen[c] = 1
      us[side, c] += $2 / f * 1e6 / (side == 1 ? nc : nf) }
    END { for (c in seen) printf "%.1f\t%s\t%.1f\t%.1f\n", us[1, c] - us[2, c], c, us[1, c], us[2, c] }' \
    "$TMP/$1.samples" "$TMP/$2.samples" | sort -t$'\t' -k1,1 -g -r |
    awk -F'\t' '{ printf "   %-58s %9.1f %9.1f %9.1f\n", $2, $3, $4, $1; c += $3; f += $4 }
      END { printf "   %-58s %9.1f %9.1f %9.1f\n", "all", c, f, c - f }'
}

profile chain-get chain
profile floor-get floor
profile chain-vote chain "$TMP/vote.lua"
profile floor-vote floor "$TMP/vote.lua"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), perf record -g -e cpu-clock -F $FREQUENCY, wrk -t2 -c16 ${SECONDS_EACH} s each, load $(uptime | sed 's/.*load average: //')"
report chain-get chain "GET / through the chain (app 1.0 → analytics 1.1 → storage 1.0)"
report floor-get floor "GET / through the floor"
compare chain-get floor-get "GET /"
report chain-vote chain "vote POST through the chain (app 1.0 → storage 1.0)"
report floor-vote floor "vote POST through the floor"
compare chain-vote floor-vote "vote POST"
if [ -n "${PROFILE_KEEP:-}" ]; then
  mkdir -p "$PROFILE_KEEP"
  cp "$TMP"/*.data "$TMP"/*.samples "$TMP"/*.requests "$PROFILE_KEEP/"
fi
