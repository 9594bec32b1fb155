#!/usr/bin/env bash
# The local run's goals (docs/running-locally.md), measured: how long the README's run command,
# `dotnet run --project src/VotingApp.AppHost`, takes on a second run to print the voting page's URL, how
# much memory everything it starts holds at peak, and what is left running after Ctrl+C.
#   bash scripts/local-run-timing.sh [RUNS] [-- more arguments of dotnet run, e.g. --no-build]
# 1. Builds the AppHost and the services once (what a first run does), so every measured run is a second run.
# 2. Per run (RUNS, default 3): starts the command as a job of its own, as a terminal does, and follows
#    every process it starts (marked by a variable in their environment, so the SDK's build servers, which
#    leave the process tree, are followed too): the wall-clock time and the CPU time (user + system, the
#    figure that moves least with other load on the machine) until the URL is printed, and the peak PSS and
#    RSS of all of them together (PSS counts memory they share once, RSS in each) until 5 s after it.
# 3. Sends SIGINT to the command's process group (what Ctrl+C does), and after it ends lists every process
#    of the run still alive, then stops those (they were started here).
# Prints a line per run and a markdown table row. Settings: the run command's own (APP_PORT, ...),
# LOCAL_RUN_SKIP_BUILD=1 to skip step 1 (built already), and LOCAL_RUN_SDK_DEFAULTS=0 to keep DOTNET_CLI_USE_MSBUILD_SERVER, MSBUILDDISABLENODEREUSE and
# UseSharedCompilation from this shell (by default they are removed: the SDK as a new user has it).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TMP=$(mktemp -d /tmp/local-run-timing.XXXXXX)
PIDS=()
source "$ROOT/bench/lib.sh" # say, fail, free_port
CLOCK_TICKS=$(getconf CLK_TCK)
trap 'stop_marked all; rm -rf "$TMP"' EXIT

RUNS=${1:-3}
[ $# -gt 0 ] && shift
[ "${1:-}" = -- ] && shift
EXTRA=("$@")
if [ "${LOCAL_RUN_SDK_DEFAULTS:-1}" = 1 ]; then
  unset DOTNET_CLI_USE_MSBUILD_SERVER MSBUILDDISABLENODEREUSE UseSharedCompilation
fi
export SQLITE_PATH=${SQLITE_PATH:-$TMP/votes.db} DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
MARK=LOCAL_RUN_TIMING_ID
# Ctrl+C must reach the command even when this script was started in the background (which ignores SIGINT,
# and an ignored signal stays ignored in every program started from it, dotnet included).
WITH_SIGINT=(perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die "$ARGV[0]: $!\n"')

# The processes carrying the mark $MARK=$1 ("all": any value of this script): pids, one a line.
marked() {
  local value=$1 pattern
  [ "$value" = all ] && pattern="$MARK=$$-" || pattern="$MARK=$value"$'\0'
  grep -lasF -- "$pattern" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | grep -vx "$BASHPID" || true
}

# Sum over these pids: "cpu_ticks pss_kb rss_kb count". CPU counts each process's own time and that of its
# children that have ended (cutime, cstime), so build steps that came and went are counted.
measure() {
  local pid files=()
  for pid in "$@"; do files+=("/proc/$pid/stat" "/proc/$pid/smaps_rollup"); done
  [ ${#files[@]} -eq 0 ] && { echo "0 0 0 0"; return; }
  awk '
    FILENAME ~ /stat$/ && FNR == 1 { sub(/^.*\) /, ""); split($0, f, " "); cpu += f[12] + f[13] + f[14] + f[15]; n++ }
    FILENAME ~ /smaps_rollup$/ && $1 == "Pss:" { pss += $2 }
    FILENAME ~ /smaps_rollup$/ && $1 == "Rss:" { rss += $2 }
    END { printf "%d %d %d %d\n", cpu, pss, rss, n }' "${files[@]}" 2>/dev/null || echo "0 0 0 0"
}

# CPU seconds (own and ended children's) per process, most first: where the time to the URL went.
cpu_by_process() { # pid...
  local pid
  for pid in "$@"; do
    awk -v hz="$CLOCK_TICKS" -v pid="$pid" '{ sub(/^.*\) /, ""); split($0, f, " "); printf "%6.1f s  %s ", (f[12] + f[13] + f[14] + f[15]) / hz, pid }' "/proc/$pid/stat" 2>/dev/null || continue
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-110
    echo
  done | grep -E '^ *[0-9]' | grep -v '^ *0.0 s' | sort -rn
}

describe() { # pid...
  local pid
  for pid in "$@"; do
    printf '    %s %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-160)"
  done
}

stop_marked() { # mark value
  local pids
  pids=$(marked "$1")
  [ -z "$pids" ] && return 0
  kill $pids 2>/dev/null || true
  sleep 1
  pids=$(marked "$1")
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
}

say "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) CPUs"
say "building once (a first run's build): dotnet build src/VotingApp.AppHost"
[ "${LOCAL_RUN_SKIP_BUILD:-0}" = 1 ] || env "$MARK=$$-build" dotnet build src/VotingApp.AppHost -v q -nologo >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log"; fail "build"; }
left=$(marked "$$-build")
if [ -n "$left" ]; then
  say "the build left these running (the SDK's build servers; stopped now):"
  describe $left >&2
  stop_marked "$$-build"
fi

rows=()
for run in $(seq 1 "$RUNS"); do
  id="$$-$run"
  log=$TMP/run$run.log
  start=$(date +%s.%N)
  # A job of its own process group, as a terminal starts it (set -m; without job control a background
  # command would ignore SIGINT).
  set -m
  env "$MARK=$id" "${WITH_SIGINT[@]}" dotnet run --project src/VotingApp.AppHost "${EXTRA[@]}" >"$log" 2>&1 &
  leader=$!
  set +m
  url_wall="" url_cpu="" peak_pss=0 peak_rss=0 peak_count=0 after_url=""
  while :; do
    pids=$(marked "$id")
    read -r cpu pss rss count <<<"$(measure $pids)"
    [ "$pss" -gt "$peak_pss" ] && peak_pss=$pss
    [ "$rss" -gt "$peak_rss" ] && { peak_rss=$rss; peak_count=$count; }
    now=$(date +%s.%N)
    if [ -z "$url_wall" ] && grep -q 'Voting page: .*Results: ' "$log"; then
      url_wall=$(awk -v a="$start" -v b="$now" 'BEGIN { printf "%.1f", b - a }')
      url_cpu=$(awk -v t="$cpu" -v hz="$CLOCK_TICKS" 'BEGIN { printf "%.1f", t / hz }')
      after_url=$(awk -v b="$now" 'BEGIN { printf "%.0f", b + 5 }')
      cpu_by_process $pids >"$TMP/cpu$run.txt"
    fi
    [ -n "$after_url" ] && [ "$(date +%s)" -ge "$after_url" ] && break
    kill -0 "$leader" 2>/dev/null || { cat "$log"; fail "run $run: the command ended before printing the URL"; }
    awk -v s="$start" -v n="$now" 'BEGIN { exit !(n - s > 300) }' && { cat "$log"; fail "run $run: no URL within 300 s"; }
    sleep 0.5
  done

  # Ctrl+C: SIGINT to the terminal's foreground process group, the command's job here.
  stop_start=$(date +%s.%N)
  kill -INT -- "-$leader"
  for _ in $(seq 1 240); do kill -0 "$leader" 2>/dev/null || break; sleep 0.25; done
  stopped=$(awk -v a="$stop_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  if kill -0 "$leader" 2>/dev/null; then
    stopped="not within 60"
    kill -KILL -- "-$leader" 2>/dev/null || true
  fi
  wait "$leader" 2>/dev/null || true
  # What the AppHost started ends after it (DCP stops the services, then itself): up to 30 s more.
  for _ in $(seq 1 60); do [ -z "$(marked "$id")" ] && break; sleep 0.5; done
  ended=$(awk -v a="$stop_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  left=$(marked "$id")
  leftover=$(wc -w <<<"$left")
  say "run $run: URL after ${url_wall} s wall, ${url_cpu} s CPU; peak PSS $((peak_pss / 1024)) MB, RSS $((peak_rss / 1024)) MB ($peak_count processes); command stopped ${stopped} s after SIGINT, everything ${ended} s; $leftover left running"
  sed 's/^/    /' "$TMP/cpu$run.txt" >&2
  [ -n "$left" ] && { say "left running:"; describe $left >&2; }
  stop_marked "$id"
  rows+=("| $run | $url_wall s | $url_cpu s | $((peak_pss / 1024)) MB | $((peak_rss / 1024)) MB | $peak_count | $stopped s / $ended s | $leftover |")
done

echo
echo "dotnet run --project src/VotingApp.AppHost ${EXTRA[*]}: $(date -u '+%Y-%m-%d %H:%M UTC'), load average after $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run | to the URL (wall) | CPU to the URL | peak PSS | peak RSS | processes | SIGINT to the command's end / everything's | left running |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${rows[@]}"
