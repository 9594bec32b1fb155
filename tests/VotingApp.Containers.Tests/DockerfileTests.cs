using VotingApp.Contracts;

namespace VotingApp.Containers.Tests;

/// <summary>What the three Dockerfiles must say, read from their text (no container engine needed).</summary>
public sealed class DockerfileTests
{
    public static TheoryData<string> Services => new(ServiceCatalog.All.Select(service => service.Name));

    private static DockerfileModel Load(string service) => DockerfileModel.Load(ContainerFiles.Dockerfile(ContainerFiles.Service(service)));

    [Theory]
    [MemberData(nameof(Services))]
    public void Allowed_versions_are_the_services_versions(string name)
    {
        var service = ContainerFiles.Service(name);
        var env = Load(name).Stage("version").Instructions.Single(i => i.Keyword == "ENV" && i.Arguments.StartsWith("VOTING_VERSIONS=", StringComparison.Ordinal));
        var listed = env.Arguments["VOTING_VERSIONS=".Length..].Trim('"').Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(service.Versions, listed);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Default_version_is_the_lowest(string name)
    {
        var lowest = ContainerFiles.Service(name).Versions.MinBy(Version.Parse);
        Assert.Equal(lowest, Load(name).GlobalDefault("VERSION"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Version_is_checked_in_the_version_stage_and_baked_in_as_VOTING_VERSION(string name)
    {
        var dockerfile = Load(name);
        var version = dockerfile.Stage("version");
        Assert.Equal("build", version.Image);
        Assert.Contains(version.Instructions, i => i == new Instruction("ARG", "VERSION"));
        var check = Assert.Single(version.Instructions, i => i.Keyword == "RUN");
        Assert.Contains("$VOTING_VERSIONS", check.Arguments);
        Assert.Contains("exit 1", check.Arguments);
        Assert.Contains(dockerfile.Final.Instructions, i => i.Keyword == "ENV" && i.Arguments.StartsWith("VOTING_VERSION=$VERSION", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Build_stage_restores_from_the_project_files_alone_and_never_uses_the_version(string name)
    {
        var build = Load(name).Stages[0];
        Assert.Equal("build", build.Name);
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0-noble-aot", build.Image);
        var instructions = build.Instructions.ToList();
        var restore = instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        var copySource = instructions.FindIndex(i => i == new Instruction("COPY", "src/ src/"));
        var publish = instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.True(restore >= 0 && restore < copySource && copySource < publish, string.Join('\n', instructions));
        foreach (var copy in instructions.Take(restore).Where(i => i.Keyword == "COPY"))
        {
            var sources = copy.Arguments.Split(' ')[..^1];
            Assert.All(sources, source => Assert.True(source.EndsWith(".csproj", StringComparison.Ordinal) || source.EndsWith(".props", StringComparison.Ordinal), $"{copy} copies more than project files before the restore"));
        }

        Assert.Contains("--no-restore", instructions[publish].Arguments);
        // VERSION only after the build stage: every version of every service shares these layers.
        Assert.DoesNotContain(instructions, i => i.Arguments.Contains("VERSION", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_stage_is_the_same_in_all_three_Dockerfiles_so_that_their_layers_are_shared()
    {
        var stages = ServiceCatalog.All.Select(service => Load(service.Name).Stages[0]).ToList();
        foreach (var stage in stages.Skip(1))
        {
            Assert.Equal(stages[0].Image, stage.Image);
            Assert.Equal(stages[0].Instructions, stage.Instructions);
        }

        // ... and it restores and publishes every service, so each Dockerfile finds its own output.
        foreach (var service in ServiceCatalog.All)
        {
            var project = ContainerFiles.Project(service);
            Assert.Contains(new Instruction("COPY", $"src/{project}/{project}.csproj src/{project}/"), stages[0].Instructions);
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Final_stage_runs_the_service_as_non_root_on_port_8080_with_OCI_labels(string name)
    {
        var service = ContainerFiles.Service(name);
        var final = Load(name).Final;
        Assert.Equal("mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled", final.Image);
        var instructions = final.Instructions;
        Assert.Contains(new Instruction("COPY", $"--from=version /app/{ContainerFiles.Project(service)}/ ./"), instructions);
        Assert.Equal(new Instruction("USER", "$APP_UID"), instructions.Last(i => i.Keyword == "USER"));
        Assert.Contains(new Instruction("EXPOSE", "8080"), instructions);
        Assert.Contains(instructions, i => i.Keyword == "ENV" && i.Arguments.Contains("ASPNETCORE_HTTP_PORTS=8080", StringComparison.Ordinal));
        // The Native AOT executable itself: runtime-deps has no dotnet host.
        Assert.Equal(new Instruction("ENTRYPOINT", $"[\"/app/{ContainerFiles.Project(service)}\"]"), instructions[^1]);
        // Nothing runs in the runtime image: it works on a base image without a shell (chiseled) too.
        Assert.DoesNotContain(instructions, i => i.Keyword == "RUN");

        var labels = string.Join(' ', instructions.Where(i => i.Keyword == "LABEL").Select(i => i.Arguments));
        Assert.Contains($"org.opencontainers.image.title=\"{service.Name}\"", labels);
        Assert.Contains("org.opencontainers.image.version=\"$VERSION\"", labels);
        Assert.Contains("org.opencontainers.image.source=\"$SOURCE\"", labels);
        Assert.Contains("org.opencontainers.image.revision=\"$REVISION\"", labels);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Build_stage_publishes_Native_AOT_for_the_images_own_architecture(string name)
    {
        var build = Load(name).Stages[0];
        var publish = build.Instructions.Single(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal));
        // Native AOT cannot cross-compile without the other architecture's toolchain: no SDK stage on
        // $BUILDPLATFORM; TARGETARCH (or, when a builder does not set it, the machine's) picks the target.
        Assert.DoesNotContain("--platform", File.ReadAllLines(ContainerFiles.Dockerfile(ContainerFiles.Service(name))).Single(line => line.StartsWith("FROM ", StringComparison.Ordinal) && line.Contains(" AS build", StringComparison.Ordinal)));
        Assert.Contains("-a \"${TARGETARCH:-$(dpkg --print-architecture)}\"", publish.Arguments);
        Assert.DoesNotContain("UseAppHost=false", publish.Arguments);
        Assert.DoesNotContain(Load(name).Final.Instructions, i => i.Keyword == "ENV" && i.Arguments.Contains("DOTNET_GCgen0size", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Holds_no_secrets(string name)
    {
        var dockerfile = Load(name);
        var all = dockerfile.GlobalArgs.Concat(dockerfile.Stages.SelectMany(stage => stage.Instructions));
        foreach (var instruction in all.Where(i => i.Keyword is "ENV" or "ARG" or "LABEL"))
        {
            foreach (var word in new[] { "PASSWORD", "SECRET", "TOKEN", "APIKEY", "API_KEY", "CONNECTIONSTRING" })
            {
                Assert.DoesNotContain(word, instruction.Arguments.ToUpperInvariant());
            }
        }
    }

    [Fact]
    public void Dockerignore_keeps_build_output_tests_and_git_out_of_the_context()
    {
        var patterns = File.ReadAllLines(ContainerFiles.DockerIgnore).Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();
        foreach (var required in new[] { "**/bin/", "**/obj/", "tests/", ".git/" })
        {
            Assert.Contains(required, patterns);
        }

        // ... but not what the build needs.
        foreach (var needed in new[] { "src", "src/", "Directory.Build.props", "Directory.Packages.props", "*.props", "**/*.csproj" })
        {
            Assert.DoesNotContain(needed, patterns);
        }
    }
}
