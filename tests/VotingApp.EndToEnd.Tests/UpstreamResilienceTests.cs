using System.Diagnostics;
using System.Net;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// The time bounds, the retry and the circuit breaker of the app's calls (UpstreamHttpClients), each of
/// which could be removed without any refused-connection outage noticing: an upstream that accepts and
/// never answers (BlackHoleServer) proves the bounds and the breaker, and a proxy that fails every call
/// (RecordingProxy) counts the tries: a read twice, a vote once, with an Idempotency-Key even when the voter sent no token.
/// </summary>
[Collection(TimingCollection.Name)]
public class UpstreamResilienceTests
{
    /// <summary>On top of the services' own bounds (0.8 s a try, 2 s in all): a bound a loaded machine does not reach.</summary>
    private static readonly TimeSpan Slack = LoadedMachine.Slack;

    private static Dictionary<string, string?> Upstreams(int analyticsPort, int storagePort) => VotingChain.AppUpstreams(analyticsPort, storagePort);

    private static HttpRequestMessage Tagged(HttpMethod method, string path, string requestId, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("x-request-id", requestId);
        return request;
    }

    private static FormUrlEncodedContent Vote(string option) => new([new("vote", option)]);

    [Fact]
    public async Task A_hung_analytics_costs_a_page_two_bounded_tries_and_the_page_still_renders()
    {
        await using var hole = new BlackHoleServer();
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Upstreams(hole.Port, hole.Port));
        using var client = app.CreateClient();

        var stopwatch = Stopwatch.StartNew();
        using var response = await client.SendAsync(Tagged(HttpMethod.Get, "/", "hung-read"));
        var elapsed = stopwatch.Elapsed;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("<div id=\"results\"> Results are unavailable right now </div>", VotingPageReader.ResultsLine(await response.Content.ReadAsStringAsync()));

        // Two tries (one retry), the second sent when the first had waited its 0.8 s (+ the 50 ms pause).
        var tries = hole.With("hung-read");
        Assert.Equal(["GET /analytics HTTP/1.1", "GET /analytics HTTP/1.1"], tries.Select(t => t.RequestLine));
        var gap = tries[1].At - tries[0].At;
        Assert.InRange(gap, UpstreamHttpClients.AttemptTimeout, UpstreamHttpClients.AttemptTimeout + Slack);
        Assert.InRange(elapsed, 2 * UpstreamHttpClients.AttemptTimeout, UpstreamHttpClients.TotalTimeout + Slack);
    }

    [Fact]
    public async Task A_hung_storage_answers_a_vote_504_at_the_total_bound_after_exactly_one_try()
    {
        await using var hole = new BlackHoleServer();
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Upstreams(hole.Port, hole.Port));
        using var client = app.CreateClient();
        (await client.GetAsync("/")).Dispose(); // as a voter does: the page first

        var stopwatch = Stopwatch.StartNew();
        using var response = await client.SendAsync(Tagged(HttpMethod.Post, "/", "hung-vote", Vote("Cats")));
        var elapsed = stopwatch.Elapsed;

        // Sent and never answered: storage may have counted it, so the voter is told it was not confirmed, with a
        // status the mesh does not send again (a 503 it would).
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("Your vote was not confirmed", await response.Content.ReadAsStringAsync());
        Assert.InRange(elapsed, UpstreamHttpClients.TotalTimeout - TimeSpan.FromMilliseconds(100), UpstreamHttpClients.TotalTimeout + Slack);
        await Task.Delay(UpstreamHttpClients.AttemptTimeout);
        Assert.Equal(["POST /api/votes HTTP/1.1"], hole.With("hung-vote").Select(t => t.RequestLine));
        await app.AssertLoggedAsync("Vote for Cats not confirmed (it may have been counted): voting-storage is unavailable");
    }

    [Fact]
    public async Task Votes_that_waited_behind_a_hung_one_go_to_storage_together_and_each_voter_is_told_504()
    {
        await using var hole = new BlackHoleServer();
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Upstreams(hole.Port, hole.Port));
        using var client = app.CreateClient(TimeSpan.FromSeconds(30));
        (await client.GetAsync("/")).Dispose();

        // The first vote hangs in storage; the ten sent meanwhile wait for it (docs/http.md, "Votes sent together").
        var first = client.SendAsync(Tagged(HttpMethod.Post, "/", "first-vote", Vote("Cats")));
        await Eventually.UntilAsync("the first vote to reach storage", () => Task.FromResult(hole.With("first-vote").Count), sent => sent == 1, LoadedMachine.Slack);
        var waiting = Enumerable.Range(0, 10).Select(i => client.SendAsync(Tagged(HttpMethod.Post, "/", $"waiting-{i}", Vote(i % 2 == 0 ? "Cats" : "Dogs"))));
        var answers = await Task.WhenAll([first, .. waiting]);

        // Each voter, the first and those who waited, is told the vote may not have been counted, not a 500.
        foreach (var answer in answers)
        {
            using (answer)
            {
                Assert.Equal(HttpStatusCode.GatewayTimeout, answer.StatusCode);
                Assert.Contains("Your vote was not confirmed", await answer.Content.ReadAsStringAsync());
            }
        }

        // The ten went in fewer requests than votes, as POST /api/votes/batch, each batch sent as one of them.
        var sentTogether = hole.Requests.Where(request => request.RequestId.StartsWith("waiting-", StringComparison.Ordinal)).ToList();
        Assert.InRange(sentTogether.Count, 1, 5);
        Assert.Contains(sentTogether, request => request.RequestLine == "POST /api/votes/batch HTTP/1.1");
        Assert.Equal(["POST /api/votes HTTP/1.1"], hole.With("first-vote").Select(request => request.RequestLine));
    }

    [Fact]
    public async Task After_a_burst_of_hung_reads_the_circuit_opens_and_pages_stop_waiting_for_analytics()
    {
        await using var hole = new BlackHoleServer();
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Upstreams(hole.Port, hole.Port));
        using var client = app.CreateClient(TimeSpan.FromSeconds(30));

        // Waves of 24 pages at once. The pages of a wave share reads (one in flight, the next queued), so the
        // breaker, which counts the calls analytics gets (the warm-up's too), sees two hung tries per shared
        // read: it opens after at least 8 tries in 10 s, within a few waves; without a breaker it never does.
        var waves = 0;
        while (!app.Output.Contains("OnCircuitOpened", StringComparison.Ordinal))
        {
            Assert.True(waves < 6, $"no circuit opened after {waves} waves of 24 pages and {hole.Requests.Count} hung reads of analytics");
            var wave = waves++;
            var burst = Enumerable.Range(0, 24).Select(async i =>
            {
                using var page = await client.SendAsync(Tagged(HttpMethod.Get, "/", $"burst-{wave}-{i}"));
                return (page.StatusCode, VotingPageReader.ResultsLine(await page.Content.ReadAsStringAsync()));
            });
            Assert.All(await Task.WhenAll(burst), page =>
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Equal("<div id=\"results\"> Results are unavailable right now </div>", page.Item2);
            });
        }

        // Shared: far fewer calls than pages (besides the app's warm-up calls, which carry no request id), each
        // made as one of the pages (it carries that page's request id).
        var reads = hole.Requests.Count(request => request.RequestId.StartsWith("burst-", StringComparison.Ordinal));
        Assert.InRange(reads, 1, waves * 24 / 2);

        // Open (for 1 s): analytics is not even called, so the page does not wait the two tries a hung call costs.
        var stopwatch = Stopwatch.StartNew();
        using var response = await client.SendAsync(Tagged(HttpMethod.Get, "/", "while-open"));
        var elapsed = stopwatch.Elapsed;
        Assert.Equal("<div id=\"results\"> Results are unavailable right now </div>", VotingPageReader.ResultsLine(await response.Content.ReadAsStringAsync()));
        Assert.True(elapsed < 2 * UpstreamHttpClients.AttemptTimeout, $"the page took {elapsed.TotalMilliseconds:0} ms with the circuit open");
        await Task.Delay(200);
        Assert.Empty(hole.With("while-open"));
    }

    [Fact]
    public async Task Reads_are_retried_once_and_a_vote_never_and_every_vote_carries_an_idempotency_key()
    {
        var folder = RepositoryPaths.NewTempFolder("resilience");
        try
        {
            await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", VotingChain.SqliteEnvironment(folder));
            await using var analytics = await ServiceProcess.StartAsync(ServiceCatalog.Analytics, "1.1", new Dictionary<string, string?>
            {
                ["STORAGE_HOST"] = "127.0.0.1",
                ["STORAGE_PORT"] = storage.Port.ToString(),
            });
            await using var analyticsProxy = await RecordingProxy.StartAsync(analytics.BaseAddress);
            await using var storageProxy = await RecordingProxy.StartAsync(storage.BaseAddress);
            await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Upstreams(analyticsProxy.Port, storageProxy.Port));
            using var client = app.CreateClient();
            // Upstreams fail once the app is ready: failing from its start, its warm-up's reads would open the read breaker first.
            await app.WaitUntilReadyAsync(LoadedMachine.Slack);
            analyticsProxy.AnswerWith = storageProxy.AnswerWith = (int)HttpStatusCode.ServiceUnavailable;

            using (var page = await client.SendAsync(Tagged(HttpMethod.Get, "/", "failing-read")))
            {
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }

            Assert.Equal(["GET /analytics", "GET /analytics"], analyticsProxy.With("failing-read"));

            using (var vote = await client.SendAsync(Tagged(HttpMethod.Post, "/", "failing-vote", Vote("Cats"))))
            {
                // A bare 503 (a proxy's, not storage's "not counted") may come after storage counted the vote.
                Assert.Equal(HttpStatusCode.GatewayTimeout, vote.StatusCode);
            }

            Assert.Equal(["POST /api/votes"], storageProxy.With("failing-vote"));
            var key = storageProxy.Requests.Single(r => r.Headers.GetValueOrDefault("x-request-id") == "failing-vote").Headers.GetValueOrDefault("idempotency-key");
            Assert.True(VoteToken.IsWellFormed(key), $"the vote went to storage with Idempotency-Key '{key}'");

            // Both upstreams answer again: one call each, and the vote is counted once.
            analyticsProxy.AnswerWith = storageProxy.AnswerWith = null;
            using (var vote = await client.SendAsync(Tagged(HttpMethod.Post, "/", "good-vote", Vote("Cats"))))
            {
                Assert.Equal(HttpStatusCode.SeeOther, vote.StatusCode);
            }

            Assert.Equal(["POST /api/votes"], storageProxy.With("good-vote"));
            using var page2 = await client.SendAsync(Tagged(HttpMethod.Get, "/", "good-read"));
            Assert.Equal("<div id=\"results\"> Cats: 1/1 (100%) | Dogs: 0/1 (0%) </div>", VotingPageReader.ResultsLine(await page2.Content.ReadAsStringAsync()));
            Assert.Equal(["GET /analytics"], analyticsProxy.With("good-read"));
        }
        finally
        {
            RepositoryPaths.DeleteFolder(folder);
        }
    }
}
