using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;
using VotingApp.Testing;

namespace VotingApp.Delivery.Tests;

/// <summary>
/// The FAULT_* settings (src/VotingApp.ServiceDefaults/FaultSettings.cs) on a real service process and port:
/// off by default, the share of aborted requests and the added delay as configured, never on the health,
/// metrics and version paths, shown in /version and the log, and refused at start when malformed.
/// </summary>
public sealed class FaultSettingsTests : IDisposable
{
    private readonly string _folder = RepositoryPaths.NewTempFolder("faults");

    private Dictionary<string, string?> Storage(params (string Key, string Value)[] faults)
    {
        var environment = VotingChain.SqliteEnvironment(_folder, $"votes-{Guid.NewGuid():N}.db");
        foreach (var (key, value) in faults) environment[key] = value;
        return environment;
    }

    [Fact]
    public async Task Off_by_default()
    {
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", Storage());
        using var client = storage.CreateClient();
        var statuses = await SendAsync(client, 300);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s.Status));
        Assert.All(statuses, s => Assert.Null(s.Fault));
        var version = JsonNode.Parse(await client.GetStringAsync("/version"))!.AsObject();
        Assert.False(version.ContainsKey("faults"), version.ToJsonString());
        Assert.DoesNotContain("fault injection is ON", storage.Output);
    }

    /// <summary>30% asked, 400 requests: the share answered 500 is within 8 points (over 3.5 standard deviations).</summary>
    [Fact]
    public async Task A_share_of_requests_is_answered_with_the_error_status()
    {
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0",
            Storage(("FAULT_ABORT_PERCENT", "30"), ("FAULT_ABORT_STATUS", "503")));
        using var client = storage.CreateClient();
        var answers = await SendAsync(client, 400);
        var aborted = answers.Count(a => a.Status == HttpStatusCode.ServiceUnavailable && a.Fault == "abort");
        Assert.Equal(400, aborted + answers.Count(a => a.Status == HttpStatusCode.OK && a.Fault is null));
        Assert.InRange(aborted / 400.0, 0.22, 0.38);
        await storage.AssertLoggedAsync("fault injection is ON (FAULT_* settings): 30% of requests answered 503");
        await storage.AssertLoggedAsync("HTTP GET /api/store responded 503");
    }

    /// <summary>Each delayed request takes at least the delay and not much more; a share of them when FAULT_DELAY_PERCENT says so.</summary>
    [Fact]
    public async Task The_delay_is_added_and_bounded()
    {
        await using (var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", Storage(("FAULT_DELAY_MS", "300"))))
        {
            using var client = storage.CreateClient();
            var answers = await SendAsync(client, 20);
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
            Assert.All(answers, a => Assert.Equal("delay", a.Fault));
            Assert.All(answers, a => Assert.InRange(a.Elapsed, TimeSpan.FromMilliseconds(290), TimeSpan.FromMilliseconds(300) + LoadedMachine.Slack));
        }

        await using (var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", Storage(("FAULT_DELAY_MS", "50"), ("FAULT_DELAY_PERCENT", "50"))))
        {
            using var client = storage.CreateClient();
            var answers = await SendAsync(client, 300);
            var delayed = answers.Where(a => a.Fault == "delay").ToList();
            Assert.InRange(delayed.Count / 300.0, 0.40, 0.60);
            // A timer may fire a millisecond or two early.
            Assert.All(delayed, a => Assert.True(a.Elapsed.TotalMilliseconds >= 45, $"{a.Elapsed.TotalMilliseconds} ms"));
        }
    }

    /// <summary>Every request aborted, yet the pod stays live and ready and is still scraped; /version says what is injected.</summary>
    [Fact]
    public async Task Health_metrics_and_version_are_never_faulted()
    {
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0",
            Storage(("FAULT_ABORT_PERCENT", "100"), ("FAULT_DELAY_MS", "50"), ("FAULT_DELAY_PERCENT", "12.5")));
        using var client = storage.CreateClient();
        Assert.Equal(HttpStatusCode.InternalServerError, (await client.GetAsync("/api/votes")).StatusCode);
        foreach (var path in new[] { "/health/live", "/health/ready", "/metrics", "/version" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.False(response.Headers.Contains(FaultInjection.Header), path);
        }

        var faults = JsonNode.Parse(await client.GetStringAsync("/version"))!["faults"]!;
        Assert.Equal(100, faults["abortPercent"]!.GetValue<double>());
        Assert.Equal(500, faults["abortStatus"]!.GetValue<int>());
        Assert.Equal(50, faults["delayMilliseconds"]!.GetValue<int>());
        Assert.Equal(12.5, faults["delayPercent"]!.GetValue<double>());
        Assert.Contains("voting_faults_injected_total{", await client.GetStringAsync("/metrics"));
    }

    [Theory]
    [InlineData("FAULT_ABORT_PERCENT", "150", "FAULT_ABORT_PERCENT='150' is not a percentage")]
    [InlineData("FAULT_ABORT_PERCENT", "-1", "FAULT_ABORT_PERCENT='-1' is not a percentage")]
    [InlineData("FAULT_ABORT_PERCENT", "NaN", "FAULT_ABORT_PERCENT='NaN' is not a percentage")]
    [InlineData("FAULT_ABORT_PERCENT", "ten", "FAULT_ABORT_PERCENT")]
    [InlineData("FAULT_ABORT_STATUS", "404", "FAULT_ABORT_STATUS='404' is not a server error")]
    [InlineData("FAULT_DELAY_MS", "-5", "FAULT_DELAY_MS='-5' is out of range")]
    [InlineData("FAULT_DELAY_MS", "2s", "FAULT_DELAY_MS")]
    [InlineData("FAULT_DELAY_PERCENT", "101", "FAULT_DELAY_PERCENT='101' is not a percentage")]
    public Task A_malformed_setting_stops_the_app_at_start(string key, string value, string expected) =>
        ServiceProcess.AssertRefusesToStartAsync(ServiceCatalog.App, "1.0", key, value, expected);

    [Fact]
    public async Task Every_service_refuses_a_malformed_setting()
    {
        await ServiceProcess.AssertRefusesToStartAsync(ServiceCatalog.Analytics, "1.1", "FAULT_ABORT_PERCENT", "200", "FAULT_ABORT_PERCENT='200' is not a percentage");
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "2.0", Storage(("FAULT_ABORT_STATUS", "200")), waitUntilLive: false);
        Assert.Equal(2, await storage.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await storage.AssertLoggedAsync("voting-storage: configuration error: ");
        Assert.Contains("FAULT_ABORT_STATUS='200' is not a server error", storage.Output);
    }

    private static async Task<List<(HttpStatusCode Status, string? Fault, TimeSpan Elapsed)>> SendAsync(HttpClient client, int count)
    {
        var answers = new List<(HttpStatusCode, string?, TimeSpan)>();
        for (var i = 0; i < count; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync("/api/store");
            await response.Content.ReadAsStringAsync();
            watch.Stop();
            var fault = response.Headers.TryGetValues(FaultInjection.Header, out var values) ? string.Join(", ", values) : null;
            answers.Add((response.StatusCode, fault, watch.Elapsed));
        }

        return answers;
    }

    public void Dispose() => RepositoryPaths.DeleteFolder(_folder);
}
