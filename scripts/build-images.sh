#!/usr/bin/env bash
# Builds the sample's seven images from the three Dockerfiles at the repository root (the build context):
#   voting-app:1.0 voting-app:2.0 voting-analytics:1.0 voting-analytics:1.1 voting-analytics:2.0
#   voting-storage:1.0 voting-storage:2.0
# and prints each image's size. The versions are read from each Dockerfile's VOTING_VERSIONS line, which a
# test keeps equal to ServiceCatalog.*.Versions (src/VotingApp.Contracts/ServiceCatalog.cs).
#
# Usage: scripts/build-images.sh [options] [image:tag ...]     (no image: all seven)
#   -e, --engine docker|podman   the container engine (default: $CONTAINER_ENGINE, else docker when its
#                                daemon answers, else podman)
#   -r, --registry PREFIX        tag as PREFIX/voting-app:1.0, e.g. myregistry.azurecr.io (default: $REGISTRY)
#       --pull-never             never pull the base images, use local ones (podman --pull=never; docker
#                                does not pull by default); also PULL_NEVER=1
#       --list                   print the image tags that would be built, one a line, and stop
#   -h, --help
# REVISION and SOURCE (OCI labels) default to the git commit and the git remote "origin" (without any
# user name or token in its URL).
#
# Examples:
#   scripts/build-images.sh
#   scripts/build-images.sh --registry myregistry.azurecr.io && docker push myregistry.azurecr.io/voting-app:1.0
#   CONTAINER_ENGINE=podman PULL_NEVER=1 scripts/build-images.sh voting-analytics:1.1
set -euo pipefail
cd "$(dirname "$0")/.."

engine=${CONTAINER_ENGINE:-}
registry=${REGISTRY:-}
pull_never=${PULL_NEVER:-0}
list_only=0
wanted=()

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "build-images.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
  case $1 in
    -e|--engine) [ $# -ge 2 ] || die "$1 needs a value"; engine=$2; shift 2 ;;
    --engine=*) engine=${1#*=}; shift ;;
    -r|--registry) [ $# -ge 2 ] || die "$1 needs a value"; registry=$2; shift 2 ;;
    --registry=*) registry=${1#*=}; shift ;;
    --pull-never) pull_never=1; shift ;;
    --list) list_only=1; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) wanted+=("$1"); shift ;;
  esac
done
registry=${registry%/}

# Every image: "dockerfile name version", versions from the Dockerfile's own list.
all=()
for service in app analytics storage; do
  dockerfile=Dockerfile.$service
  [ -f "$dockerfile" ] || die "$dockerfile not found in $PWD"
  versions=$(sed -n 's/^ENV VOTING_VERSIONS="\(.*\)"$/\1/p' "$dockerfile")
  [ -n "$versions" ] || die "$dockerfile has no ENV VOTING_VERSIONS=\"...\" line"
  for version in $versions; do all+=("$dockerfile voting-$service $version"); done
done

tag_of() { echo "${registry:+$registry/}$1:$2"; }

selected=()
if [ ${#wanted[@]} -eq 0 ]; then
  selected=("${all[@]}")
else
  for w in "${wanted[@]}"; do
    found=
    for entry in "${all[@]}"; do
      read -r _ name version <<<"$entry"
      if [ "$w" = "$name:$version" ] || [ "$w" = "$(tag_of "$name" "$version")" ]; then found=$entry; fi
    done
    [ -n "$found" ] || die "unknown image $w; the images are: $(for e in "${all[@]}"; do read -r _ n v <<<"$e"; printf '%s:%s ' "$n" "$v"; done)"
    selected+=("$found")
  done
fi

if [ "$list_only" = 1 ]; then
  for entry in "${selected[@]}"; do read -r _ name version <<<"$entry"; tag_of "$name" "$version"; done
  exit 0
fi

if [ -z "$engine" ]; then
  # The docker CLI can be installed without a daemon to talk to: only use it when the daemon answers.
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then engine=docker
  elif command -v podman >/dev/null; then engine=podman
  else die "neither a working docker nor podman found; install one, or choose with --engine"
  fi
fi
case $engine in docker|podman) ;; *) die "--engine must be docker or podman, not '$engine'" ;; esac
command -v "$engine" >/dev/null || die "$engine is not installed"

revision=${REVISION:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
source=${SOURCE:-$(git remote get-url origin 2>/dev/null || echo unknown)}
# A remote URL may carry credentials (https://user:token@host/repo.git, as CI systems write them): only the
# URL without its user info goes into the image's label and build-info, which anyone who pulls it can read.
source=$(printf '%s' "$source" | sed -E 's#^([A-Za-z][A-Za-z0-9+.-]*://)[^/]*@#\1#')

pull=()
if [ "$pull_never" = 1 ] && [ "$engine" = podman ]; then pull=(--pull=never); fi

say() { printf '[build-images %4ss] %s\n' "$SECONDS" "$*"; }
say "engine: $engine; revision: $revision; ${#selected[@]} image(s)"
for entry in "${selected[@]}"; do
  read -r dockerfile name version <<<"$entry"
  tag=$(tag_of "$name" "$version")
  say "building $tag from $dockerfile"
  start=$SECONDS
  "$engine" build "${pull[@]}" -f "$dockerfile" \
    --build-arg "VERSION=$version" --build-arg "REVISION=$revision" --build-arg "SOURCE=$source" \
    -t "$tag" . || { say "FAILED: $tag"; exit 1; }
  say "built $tag in $((SECONDS - start)) s"
done

say "image sizes:"
for entry in "${selected[@]}"; do
  read -r _ name version <<<"$entry"
  tag=$(tag_of "$name" "$version")
  bytes=$("$engine" image inspect --format '{{.Size}}' "$tag")
  awk -v t="$tag" -v b="$bytes" 'BEGIN { printf "  %-40s %7.1f MB\n", t, b / 1000000 }'
done
