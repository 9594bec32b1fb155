using System.Diagnostics;
using System.Net;
using VotingApp.Contracts;
using VotingApp.Testing;
using Xunit.Abstractions;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// A rollout's first visitor: the three services started at the same moment, as after `kubectl apply`,
/// and traffic sent only once each one's /health/ready says so. The very first page must show results,
/// never "Results are unavailable". The time from start to that page is printed (a figure, not a bound:
/// speed is measured in scripts/bench.sh).
/// </summary>
[Collection(DatabaseCollection.Name)]
public class ColdStartTests(DatabaseServers servers, ITestOutputHelper output)
{
    [Theory]
    [InlineData("1.0", "1.1", "1.0")]
    [InlineData("2.0", "2.0", "2.0")]
    public async Task First_page_after_all_three_report_ready_has_results(string appVersion, string analyticsVersion, string storageVersion)
    {
        var storagePort = FreePort.Next();
        var analyticsPort = FreePort.Next();
        var upstreams = new Dictionary<string, string?>
        {
            ["STORAGE_HOST"] = "127.0.0.1",
            ["STORAGE_PORT"] = storagePort.ToString(),
            ["ANALYTICS_HOST"] = "127.0.0.1",
            ["ANALYTICS_PORT"] = analyticsPort.ToString(),
        };

        var watch = Stopwatch.StartNew();
        // All at once and in reverse order: the app comes up before what it calls, as pods do.
        var app = ServiceProcess.StartAsync(ServiceCatalog.App, appVersion, upstreams, waitUntilLive: false);
        var analytics = ServiceProcess.StartAsync(ServiceCatalog.Analytics, analyticsVersion, upstreams, waitUntilLive: false, port: analyticsPort);
        var storage = ServiceProcess.StartAsync(ServiceCatalog.Storage, storageVersion, servers.StoreEnvironment(storageVersion, $"cold{storageVersion[0]}"),
            waitUntilLive: false, port: storagePort);
        await using var appProcess = await app;
        await using var analyticsProcess = await analytics;
        await using var storageProcess = await storage;

        var ready = await Task.WhenAll(new[] { storageProcess, analyticsProcess, appProcess }.Select(p => WaitUntilReadyAsync(p, watch)));
        using var client = appProcess.CreateClient();
        using var response = await client.GetAsync("/");
        var page = await response.Content.ReadAsStringAsync();
        var firstPage = watch.Elapsed;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = VotingPageReader.ResultsLine(page);
        Assert.DoesNotContain("unavailable", results);
        Assert.Matches(@"Cats: \d+", results);
        // Calls refused while the others start are expected: each service says it waits, without a stack trace.
        foreach (var process in new[] { appProcess, analyticsProcess, storageProcess })
        {
            Assert.DoesNotContain("--- End of stack trace", process.Output);
            Assert.DoesNotContain("   at System.", process.Output);
        }

        output.WriteLine($"{appVersion}/{analyticsVersion}/{storageVersion} ({(RepositoryPaths.NativeServicesFolder is null ? "dotnet dll" : "Native AOT")}): " +
                         $"ready after {string.Join(", ", ready.Select(r => $"{r.Name} {r.Elapsed.TotalMilliseconds:0} ms"))}; " +
                         $"first page with results {firstPage.TotalMilliseconds:0} ms after start: {results.Trim()}");
    }

    private static async Task<(string Name, TimeSpan Elapsed)> WaitUntilReadyAsync(ServiceProcess process, Stopwatch watch)
    {
        using var client = process.CreateClient(TimeSpan.FromSeconds(2));
        // Looked at every 5 ms: the time printed is when it became ready, to within that.
        await Eventually.UntilAsync($"{process.Service.Name} to be ready", async () =>
        {
            Assert.False(process.HasExited, $"{process.Service.Name} exited:\n{process.Output}");
            using var response = await client.GetAsync("/health/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(60), () => process.Output, Eventually.WhileConnecting, TimeSpan.FromMilliseconds(5));
        return (process.Service.ShortName, watch.Elapsed);
    }
}
