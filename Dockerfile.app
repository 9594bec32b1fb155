# voting-app: The voting web page: the form, the results line from analytics, votes posted to storage.
# Build from the repository root (the build context), one image per version:
#   docker build -f Dockerfile.app --build-arg VERSION=1.0 -t voting-app:1.0 .
# or all seven images of the sample at once: scripts/build-images.sh
#
# The "build" stage below is the same text in Dockerfile.app, Dockerfile.analytics and Dockerfile.storage
# (a test checks it): it restores and publishes all three services, so that the seven image builds share
# one restore layer and one publish layer. VERSION is only used after it, so every version of every
# service reuses those layers and an image build after the first takes a few seconds.

# VERSION: one of VOTING_VERSIONS below, the list of ServiceCatalog.App.Versions in
# src/VotingApp.Contracts/ServiceCatalog.cs (a test checks that they are equal); the default is the
# lowest. REVISION and SOURCE fill the OCI labels (scripts/build-images.sh passes the git commit and remote).
ARG VERSION=1.0
ARG REVISION=unknown
ARG SOURCE=unknown

# Native AOT: the services are compiled to native executables here and run on runtime-deps, which has no
# .NET runtime at all. The SDK stage runs on the image's own platform (no --platform=$BUILDPLATFORM): Native
# AOT cannot cross-compile to another architecture without that architecture's native toolchain and
# libraries, which the SDK image does not have. A multi-platform build (docker buildx --platform
# linux/amd64,linux/arm64) therefore runs this stage under emulation for the other one (docs/containers.md).
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble-aot AS build
WORKDIR /source
# Restore in its own layer, from the project files only: a code change does not restore again.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/VotingApp.Contracts/VotingApp.Contracts.csproj src/VotingApp.Contracts/
COPY src/VotingApp.ServiceDefaults/VotingApp.ServiceDefaults.csproj src/VotingApp.ServiceDefaults/
COPY src/VotingApp.App/VotingApp.App.csproj src/VotingApp.App/
COPY src/VotingApp.Analytics/VotingApp.Analytics.csproj src/VotingApp.Analytics/
COPY src/VotingApp.Storage/VotingApp.Storage.csproj src/VotingApp.Storage/
# TARGETARCH (amd64, arm64; set by BuildKit and podman) is the architecture to compile for; a builder that
# does not set it builds for the one it runs on (dpkg's name for it is the same: amd64, arm64).
ARG TARGETARCH
RUN for project in App Analytics Storage; do \
        dotnet restore "src/VotingApp.$project/VotingApp.$project.csproj" -a "${TARGETARCH:-$(dpkg --print-architecture)}" || exit 1; \
    done
COPY src/ src/
# Each service is one native executable (plus SQLite's native library for storage); the separate debug
# symbols (*.dbg, *.pdb) stay out of the images.
RUN for project in App Analytics Storage; do \
        dotnet publish "src/VotingApp.$project/VotingApp.$project.csproj" -c Release --no-restore \
            -a "${TARGETARCH:-$(dpkg --print-architecture)}" -o "/app/VotingApp.$project" || exit 1; \
        rm -f "/app/VotingApp.$project/"*.dbg "/app/VotingApp.$project/"*.pdb; \
    done

# A VERSION that voting-app does not have fails here, at build time, not only when the container starts.
FROM build AS version
ENV VOTING_VERSIONS="1.0 2.0"
ARG VERSION
ARG REVISION
ARG SOURCE
RUN case "$VERSION" in \
        ""|*[!0-9.]*) ok=no ;; \
        *) case " $VOTING_VERSIONS " in *" $VERSION "*) ok=yes ;; *) ok=no ;; esac ;; \
    esac; \
    if [ "$ok" != yes ]; then \
        echo "VERSION='$VERSION' is not a version of voting-app; use one of: $VOTING_VERSIONS" >&2; exit 1; \
    fi; \
    mkdir -p /image && printf 'VOTING_VERSION=%s\nREVISION=%s\nSOURCE=%s\n' "$VERSION" "$REVISION" "$SOURCE" > /image/build-info

# The runtime image: the chiseled runtime-deps (no shell, no package manager, no .NET runtime: the executable
# needs only the C libraries), so nothing is RUN in it; runs as the image's non-root user, writes nothing
# but /tmp (run it with --read-only --tmpfs /tmp), no secrets.
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled AS final
WORKDIR /app
COPY --from=version /app/VotingApp.App/ ./
# The build arguments as a file, copied before ENV and LABEL on purpose: a small layer whose content differs
# per VERSION/REVISION. Some builders (podman 4.3 / buildah 1.28) key the cache of ENV and LABEL steps on
# their text, not on the build argument's value, and would otherwise give voting-X:2.0 the cached
# configuration of 1.0 (VOTING_VERSION=1.0) or an old commit's revision label.
COPY --from=version /image/build-info ./
ARG VERSION
ARG REVISION
ARG SOURCE
# DOTNET_RUNNING_IN_CONTAINER (JSON log lines): runtime-deps sets it as well.
ENV VOTING_VERSION=$VERSION \
    ASPNETCORE_HTTP_PORTS=8080 \
    TMPDIR=/tmp \
    DOTNET_RUNNING_IN_CONTAINER=true
LABEL org.opencontainers.image.title="voting-app" \
      org.opencontainers.image.description="The voting web page: the form, the results line from analytics, votes posted to storage." \
      org.opencontainers.image.version="$VERSION" \
      org.opencontainers.image.source="$SOURCE" \
      org.opencontainers.image.revision="$REVISION" \
      org.opencontainers.image.base.name="mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled"
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["/app/VotingApp.App"]
