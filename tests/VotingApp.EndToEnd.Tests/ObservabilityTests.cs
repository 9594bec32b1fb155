using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// What operators rely on after the hot path was made cheaper: request logs for writes and failures (not
/// for routine reads), the HTTP server and client metrics beside the services' own, and spans exported
/// over OTLP when an endpoint is configured. The chain runs as three processes on a SQLite file (on Redis where
/// votes must wait for one in flight).
/// </summary>
public sealed partial class ObservabilityTests : IAsyncLifetime
{
    private readonly string _folder = RepositoryPaths.NewTempFolder("observability");

    private IReadOnlyDictionary<string, string?> Store => new Dictionary<string, string?>
    {
        ["STORAGE_BACKEND"] = "sqlite",
        ["SQLITE_PATH"] = Path.Combine(_folder, "votes.db"),
    };

    [Fact]
    public async Task Writes_and_failures_are_logged_routine_reads_are_not()
    {
        await using var chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", Store);
        using var client = chain.App.CreateClient();
        using (var page = new HttpRequestMessage(HttpMethod.Get, "/"))
        {
            page.Headers.Add("x-request-id", "read-1");
            (await client.SendAsync(page)).EnsureSuccessStatusCode();
        }

        using (var vote = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent([new("vote", "Cats")]) })
        {
            vote.Headers.Add("x-request-id", "vote-1");
            Assert.Equal(HttpStatusCode.SeeOther, (await client.SendAsync(vote)).StatusCode);
        }

        await chain.App.AssertLoggedAsync("HTTP POST / responded 303 in");
        await chain.App.AssertLoggedAsync("(x-request-id vote-1)");
        await chain.Storage.AssertLoggedAsync("HTTP POST /api/votes responded 200 in");
        Assert.Equal(400, await VotingPageReader.VoteAsync(client, "Birds"));
        await chain.App.AssertLoggedAsync("HTTP POST / responded 400 in");

        chain.Storage.Kill();
        Assert.Equal(503, await VotingPageReader.VoteAsync(client, "Cats"));
        await chain.App.AssertLoggedAsync("HTTP POST / responded 503 in");

        // Reads are not logged at the default level by any of the three, unless they were slow (over a
        // second, a warning), which the first requests on a busy machine can be.
        foreach (var output in new[] { chain.App.Output, chain.Analytics.Output, chain.Storage.Output })
        {
            foreach (Match read in ReadLogLine().Matches(output))
            {
                Assert.True(double.Parse(read.Groups["ms"].Value, CultureInfo.InvariantCulture) > 1000, $"a fast read was logged: {read.Value}");
            }
        }
    }

    [GeneratedRegex(@"HTTP GET \S+ responded 200 in (?<ms>[0-9.]+) ms")]
    private static partial Regex ReadLogLine();

    [Fact]
    public async Task Routine_reads_are_logged_when_the_level_asks_for_them()
    {
        var debug = new Dictionary<string, string?>(Store) { ["Serilog__MinimumLevel__Override__VotingApp.RequestLog"] = "Debug" };
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", debug);
        using var client = storage.CreateClient();
        (await client.GetAsync("/api/votes")).EnsureSuccessStatusCode();
        await storage.AssertLoggedAsync("HTTP GET /api/votes responded 200 in");
    }

    [Fact]
    public async Task Metrics_serve_http_server_and_client_figures_and_the_services_own()
    {
        await using var chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", Store);
        using var client = chain.App.CreateClient();
        Assert.Equal(303, await VotingPageReader.VoteAsync(client, "Dogs"));
        (await client.GetAsync("/")).EnsureSuccessStatusCode();

        var app = await client.GetStringAsync("/metrics");
        Assert.Contains("http_server_request_duration_seconds_count", app);
        Assert.Contains("http_client_request_duration_seconds_count", app);
        Assert.Contains("voting_service_info", app);
        using var storage = chain.Storage.CreateClient();
        Assert.Contains("voting_votes_recorded", await storage.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task Spans_are_exported_over_otlp_when_an_endpoint_is_configured()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var otlp = receiver.ServiceEnvironment;
        var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", new Dictionary<string, string?>(Store.Concat(otlp)));
        var analytics = await ServiceProcess.StartAsync(ServiceCatalog.Analytics, "1.1", new Dictionary<string, string?>(otlp)
        {
            ["STORAGE_HOST"] = "127.0.0.1",
            ["STORAGE_PORT"] = storage.Port.ToString(),
        });
        var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", new Dictionary<string, string?>(otlp)
        {
            ["ANALYTICS_HOST"] = "127.0.0.1",
            ["ANALYTICS_PORT"] = analytics.Port.ToString(),
            ["STORAGE_HOST"] = "127.0.0.1",
            ["STORAGE_PORT"] = storage.Port.ToString(),
        });
        try
        {
            const string traceId = "0af7651916cd43dd8448eb211c80319c";
            using var client = app.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");
            (await client.SendAsync(request)).EnsureSuccessStatusCode();

            var traceBytes = Convert.FromHexString(traceId);
            IEnumerable<string> Silent() => ServiceCatalog.All.Select(s => s.Name).Where(name => !receiver.Received(Encoding.UTF8.GetBytes(name), traceBytes));
            await Eventually.UntilAsync($"a span of trace {traceId} from every service", () => !Silent().Any(), TimeSpan.FromSeconds(60),
                () => $"none yet from {string.Join(", ", Silent())} ({receiver.TraceExports.Count} exports received)");
        }
        finally
        {
            await app.DisposeAsync();
            await analytics.DisposeAsync();
            await storage.DisposeAsync();
        }
    }

    [Fact]
    public async Task Votes_sent_together_are_traced_by_a_span_that_links_every_vote_it_carried()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var otlp = receiver.ServiceEnvironment;
        await using var redis = await RedisServer.StartAsync();
        await using var chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", new Dictionary<string, string?>(redis.StorageEnvironment().Concat(otlp)), otlp);
        using var client = chain.App.CreateClient(TimeSpan.FromSeconds(30));
        // Redis holds writes for the first half second, so that votes surely wait for one in flight and go together.
        await redis.CommandAsync("CLIENT", "PAUSE", "500", "WRITE");

        // Sixteen voters at once, each vote from the page's form with its token and in a trace of its own.
        var votes = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 8; i++)
            {
                var token = VotingPageReader.VoteTokens(await client.GetStringAsync("/"))[0];
                var traceId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
                using var vote = new HttpRequestMessage(HttpMethod.Post, "/") { Content = VotingPageReader.VoteForm("Cats", token) };
                vote.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");
                using var response = await client.SendAsync(vote);
                Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
                votes.Add(traceId);
            }
        })));

        // Each vote reached storage in its own trace, or is linked from the batch span in the trace of the vote that carried it.
        List<string> Untraced()
        {
            var spans = receiver.Spans();
            var atStorage = spans.Where(span => span.Service == ServiceCatalog.Storage.Name).Select(span => span.TraceId).ToHashSet();
            var linked = spans.Where(span => span.Name == "votes sent together").SelectMany(span => span.LinkedTraces).ToHashSet();
            return [.. votes.Where(vote => !atStorage.Contains(vote) && !linked.Contains(vote))];
        }

        await Eventually.UntilAsync("every vote's trace reaching storage, itself or through a link", () => Untraced().Count == 0, TimeSpan.FromSeconds(60),
            () => $"{Untraced().Count} of {votes.Count} votes not traced to storage ({receiver.TraceExports.Count} exports received)");
        var batches = receiver.Spans().Where(span => span.Name == "votes sent together").ToList();
        Assert.NotEmpty(batches);
        Assert.All(batches, batch =>
        {
            Assert.Equal(ServiceCatalog.App.Name, batch.Service);
            Assert.Contains(batch.TraceId, votes);
            Assert.InRange(batch.LinkedTraces.Count, 2, 16);
            Assert.All(batch.LinkedTraces, linked => Assert.Contains(linked, votes));
        });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        RepositoryPaths.DeleteFolder(_folder);
        return Task.CompletedTask;
    }
}
