# Shell functions shared by scripts/bench.sh and bench/profile.sh (sourced, not run).
# They expect $TMP (a scratch folder) and the arrays PIDS (processes to stop at exit) and SERVER (a
# command prefix such as taskset, may be empty) to exist.

# REDIS_FLAGS and MARIADB_FLAGS: the same server flags as the tests.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/server-flags.sh"

# At exit: stop the processes started (SIGTERM, then SIGKILL after a second), Redis, and remove $TMP.
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$TMP/redis/redis.pid" ] && kill "$(cat "$TMP/redis/redis.pid")" 2>/dev/null || true
  sleep 1
  for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$TMP"
}

say() { printf '[bench %4ss] %s\n' "$SECONDS" "$*" >&2; }
fail() { say "FAILED: $*"; exit 2; }

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
    sleep 0.2
  done
}

# dotnet publish -c Release into $2/<project name>. With PublishAot=true in the project the folder holds a
# native executable, otherwise an apphost beside the dll; published_command prints how to start either.
publish() { # project folder, output root, [extra dotnet publish arguments]
  local project=$1 out=$2/$(basename "$1")
  shift 2
  dotnet publish "$project" -c Release -o "$out" -v q -nologo "$@" >"$TMP/publish.log" 2>&1 \
    || { cat "$TMP/publish.log"; fail "publishing $project"; }
}

published_command() { # published folder, assembly name → the command line that starts it
  local dir=$1 name=$2
  if [ -f "$dir/$name.dll" ]; then
    echo "dotnet $dir/$name.dll"
  elif [ -x "$dir/$name" ]; then
    echo "$dir/$name"
  else
    fail "neither $dir/$name.dll nor an executable $dir/$name was published"
  fi
}

native_or_jit() { # published folder, assembly name → "native" or "JIT"
  [ -f "$1/$2.dll" ] && echo JIT || echo native
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# wrk with its figures on one line: "requests req/s p99_ms"; $WRK_SCRIPT, when set, is its Lua script.
wrk_line() { # threads connections duration url
  local out
  out=$(wrk -t"$1" -c"$2" -d"$3" --latency ${WRK_SCRIPT:+-s "$WRK_SCRIPT"} "$4") || return 1
  awk '
    /requests in/ { requests = $1 }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "99%" { v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v);
                  p99 = (unit == "us") ? v / 1000 : (unit == "s") ? v * 1000 : (unit == "m") ? v * 60000 : v }
    END { printf "%d %.0f %.3f\n", requests, rps, p99 }' <<<"$out"
}

# The wrk script for a vote: what a browser's form post sends.
write_vote_script() { # path
  cat >"$1" <<'EOF'
wrk.method = "POST"
wrk.body = "vote=Cats"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
EOF
}
