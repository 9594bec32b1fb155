using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// The services these tests start are the Native AOT executables that the images ship, so that a failure
/// only AOT shows (a type trimmed away, a binder or serializer not generated) fails here. scripts/test.sh
/// publishes them and names the folder in VOTING_AOT_DIR; in CI (CI=true) running anything else fails.
/// </summary>
[Collection(DatabaseCollection.Name)]
public class NativeServicesTests(DatabaseServers servers)
{
    private static bool InCi =>
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    [SkippableFact]
    public async Task The_chain_runs_the_native_executables_that_ship()
    {
        Assert.False(InCi && RepositoryPaths.NativeServicesFolder is null,
            $"{RepositoryPaths.NativeServicesVariable} is not set in CI: the whole-chain tests would not run what ships. Run scripts/test.sh.");
        Skip.If(RepositoryPaths.NativeServicesFolder is null,
            $"{RepositoryPaths.NativeServicesVariable} is not set: the services run as dotnet VotingApp.X.dll (scripts/test.sh publishes and runs the Native AOT ones).");

        await using var chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", servers.StoreEnvironment("1.0"));
        foreach (var service in new[] { chain.App, chain.Analytics, chain.Storage })
        {
            // What the kernel runs: the executable itself, no dotnet host and no JIT.
            var executable = File.ResolveLinkTarget($"/proc/{service.ProcessId}/exe", returnFinalTarget: true)?.FullName;
            Assert.Equal(ServiceProcess.CommandOf(service.Service).Program, executable);
            Assert.DoesNotContain(File.ReadAllLines($"/proc/{service.ProcessId}/maps"), line => line.EndsWith("libcoreclr.so", StringComparison.Ordinal));
            // Settings are read once (VotingHost): no inotify watch on the content root, the test's output
            // folder here, and on every folder below it, which the default host adds and pays for at start.
            Assert.Equal(0, InotifyWatches(service.ProcessId!.Value));
        }
    }

    /// <summary>The inotify watches a process holds: one "inotify wd:" line per watch in /proc/PID/fdinfo.</summary>
    private static int InotifyWatches(int processId) =>
        Directory.EnumerateFiles($"/proc/{processId}/fdinfo")
            .Sum(file => { try { return File.ReadLines(file).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal)); } catch (IOException) { return 0; } });
}
