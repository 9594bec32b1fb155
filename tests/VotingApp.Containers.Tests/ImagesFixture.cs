using System.Diagnostics;
using VotingApp.Testing;

namespace VotingApp.Containers.Tests;

/// <summary>
/// Prepares podman and builds the seven images once for all container tests, with scripts/build-images.sh
/// exactly as a user runs it. Where ../shared/containers/make-dotnet-base-images.sh exists (this project's
/// machines and CI, which reach no container registry) it runs first and the build uses its local
/// stand-ins for the mcr.microsoft.com base images (PULL_NEVER=1); elsewhere podman pulls them.
/// In CI (CI=true) a missing or broken podman fails the tests; elsewhere a missing podman skips them.
/// </summary>
public sealed class ImagesFixture
{
    private readonly Lazy<Task<BuildOutcome>> _build = new(BuildAsync);

    public static bool InCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    public const string HowToEnable =
        "Install podman (Debian: apt-get install podman; the README's test command scripts/test.sh does it) " +
        "to run the container tests; in CI (CI=true) they fail instead of skipping.";

    /// <summary>Builds the images (once) or skips the calling test when podman is missing outside CI.</summary>
    public async Task<BuildOutcome> ImagesAsync()
    {
        var outcome = await _build.Value;
        Skip.If(outcome.SkipReason is not null, outcome.SkipReason);
        if (outcome.Failure is not null)
        {
            throw new InvalidOperationException(outcome.Failure);
        }

        return outcome;
    }

    private static async Task<BuildOutcome> BuildAsync()
    {
        var log = new List<string>();
        var total = Stopwatch.StartNew();
        var baseScript = ContainerFiles.BaseImageScript;
        if (baseScript is not null)
        {
            // Installs podman when needed, configures it for this VM and makes the base images (needs root).
            var prepared = await ChildProcess.RunAsync("bash", [baseScript], TimeSpan.FromMinutes(10));
            log.Add($"{baseScript}: {prepared.Elapsed.TotalSeconds:0} s\n{prepared.Output}{prepared.Error}");
            if (!prepared.Succeeded)
            {
                return BuildOutcome.Failed($"Preparing podman with {baseScript} failed (it needs root). {prepared}", log);
            }
        }

        if (!ChildProcess.IsOnPath("podman"))
        {
            return InCi
                ? BuildOutcome.Failed("podman is not installed, and the container tests must run in CI. " + HowToEnable, log)
                : BuildOutcome.Skipped("podman is not installed. " + HowToEnable, log);
        }

        var environment = new Dictionary<string, string?>
        {
            ["CONTAINER_ENGINE"] = "podman",
            ["PULL_NEVER"] = baseScript is null ? null : "1",
            ["REGISTRY"] = null,
        };
        var build = await ChildProcess.RunAsync("bash", [ContainerFiles.BuildScript], TimeSpan.FromMinutes(30), environment);
        log.Add($"scripts/build-images.sh: {build.Elapsed.TotalSeconds:0} s\n{build.Output}{build.Error}");
        if (!build.Succeeded)
        {
            return BuildOutcome.Failed($"scripts/build-images.sh failed. {build}", log);
        }

        return new BuildOutcome(null, null, log, build.Output, total.Elapsed);
    }
}

public sealed record BuildOutcome(string? SkipReason, string? Failure, IReadOnlyList<string> Log, string BuildOutput, TimeSpan Elapsed)
{
    public static BuildOutcome Failed(string reason, IReadOnlyList<string> log) => new(null, reason, log, "", TimeSpan.Zero);

    public static BuildOutcome Skipped(string reason, IReadOnlyList<string> log) => new(reason, null, log, "", TimeSpan.Zero);

    /// <summary>The closing table of build-images.sh: each image and its size.</summary>
    public string Sizes => string.Join('\n', BuildOutput.Split('\n').SkipWhile(line => !line.Contains("image sizes", StringComparison.Ordinal)));
}

[CollectionDefinition(Name)]
public sealed class ContainerCollection : ICollectionFixture<ImagesFixture>
{
    public const string Name = "containers";
}

/// <summary>Unique container names for this test run, so that parallel runs on one machine do not collide.</summary>
public static class RunId
{
    public static string Value { get; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>
    /// The value of the votingapp.test label on every container: the test run's temporary folder
    /// (VOTING_TEST_TMP), so that scripts/test.sh can remove whatever a crashed test host left behind
    /// without touching another run's containers.
    /// </summary>
    public static string Label { get; } =
        System.Environment.GetEnvironmentVariable("VOTING_TEST_TMP") is { Length: > 0 } folder ? folder : Value;
}
