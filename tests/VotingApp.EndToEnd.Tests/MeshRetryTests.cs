using System.Net;
using System.Net.Http.Json;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// The mesh's own retries on both hops of a vote — the gateway in front of the app and the app's sidecar in
/// front of storage, each a <see cref="RetryingProxy"/> — while Redis's answers are lost on the way back
/// (<see cref="ReplyDroppingRelay"/>: every command runs, storage times out): a vote from the page (its token) and
/// a plain curl vote (none) are each counted exactly once, and "not confirmed" is answered with a status no hop retries;
/// and votes sent together (docs/http.md) whose answer is lost are sent again by the app's sidecar and counted once each.
/// </summary>
[Collection(TimingCollection.Name)]
public class MeshRetryTests
{
    [Fact]
    public async Task Votes_whose_redis_answers_are_lost_count_once_through_retrying_proxies()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var relay = new ReplyDroppingRelay(redis.Port);
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", VotingChain.Upstream("REDIS", relay.Port));
        await using var sidecar = await RetryingProxy.StartAsync(storage.BaseAddress);
        await using var analytics = await ServiceProcess.StartAsync(ServiceCatalog.Analytics, "1.1", VotingChain.Upstream("STORAGE", storage.Port));
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", VotingChain.AppUpstreams(analytics.Port, sidecar.Port));
        await app.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        await using var gateway = await RetryingProxy.StartAsync(app.BaseAddress);
        using var voter = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = gateway.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
        using var direct = storage.CreateClient();
        (await direct.DeleteAsync("/api/votes")).EnsureSuccessStatusCode();
        var token = VotingPageReader.VoteTokens(await voter.GetStringAsync("/"))[0];

        relay.DropReplies();
        HttpResponseMessage curl, form;
        try
        {
            var answers = await Task.WhenAll(
                voter.PostAsync("/", VotingPageReader.VoteForm("Cats", null)),
                voter.PostAsync("/", VotingPageReader.VoteForm("Dogs", token)));
            (curl, form) = (answers[0], answers[1]);
        }
        finally
        {
            relay.Restore();
        }

        // Redis ran every try: each vote counts once, however often a hop sent it.
        var tries = $"gateway tries {string.Join(", ", gateway.Tries)}; sidecar tries {string.Join(", ", sidecar.Tries)}";
        Assert.True((1L, 1L) == await SettledCountsAsync(direct), $"counted {await SettledCountsAsync(direct)}, not (1, 1): {tries}");

        // Neither vote was confirmed, and neither answer is one the gateway sends again.
        var formPage = await form.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.GatewayTimeout, curl.StatusCode);
        Assert.Contains("Your vote was not confirmed", await curl.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.GatewayTimeout, form.StatusCode);
        Assert.Contains("Your vote was not confirmed", formPage);
        Assert.True(gateway.TriesOf("POST") == 2, tries);
        Assert.True(sidecar.TriesOf("POST") >= 2, tries);

        // The voter sends the same vote again from the "not confirmed" page: answered, not counted again.
        Assert.Equal([token], VotingPageReader.VoteTokens(formPage));
        Assert.Equal(303, await VotingPageReader.VoteAsync(voter, "Dogs", token));
        Assert.Equal((1, 1), await SettledCountsAsync(direct));
    }

    [Fact]
    public async Task Votes_sent_together_whose_answer_is_lost_are_sent_again_by_the_sidecar_and_counted_once_each()
    {
        const int voters = 6;
        await using var redis = await RedisServer.StartAsync();
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", redis.StorageEnvironment());
        // The first answer to each batch is lost on its way back to the app's sidecar, which sends the batch again.
        await using var network = await RecordingProxy.StartAsync(storage.BaseAddress);
        network.LosesFirstAnswerTo = "/api/votes/batch";
        await using var sidecar = await RetryingProxy.StartAsync(network.BaseAddress);
        await using var analytics = await ServiceProcess.StartAsync(ServiceCatalog.Analytics, "1.1", VotingChain.Upstream("STORAGE", storage.Port));
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", VotingChain.AppUpstreams(analytics.Port, sidecar.Port));
        await app.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        using var voter = app.CreateClient(TimeSpan.FromSeconds(30));
        Assert.Equal(303, await VotingPageReader.ResetAsync(voter));
        var tokens = new List<string>();
        for (var i = 0; i < voters; i++) tokens.Add(VotingPageReader.VoteTokens(await voter.GetStringAsync("/"))[0]);

        // Redis holds writes for a second, so that the votes after the first wait for it and go to storage together.
        await redis.CommandAsync("CLIENT", "PAUSE", "1000", "WRITE");
        var answers = await Task.WhenAll(tokens.Select((token, i) => VotingPageReader.VoteAsync(voter, i % 2 == 0 ? "Cats" : "Dogs", token)));

        var tries = $"sidecar tries {string.Join(", ", sidecar.Tries)}";
        Assert.All(answers, status => Assert.Equal(303, status));
        Assert.Contains(("POST /api/votes/batch", 503), sidecar.Tries);
        Assert.True(sidecar.Tries.Contains(("POST /api/votes/batch", 200)), tries);
        var counted = $"<div id=\"results\"> Cats: {voters / 2}/{voters} (50%) | Dogs: {voters / 2}/{voters} (50%) </div>";
        Assert.Equal(counted, VotingPageReader.ResultsLine(await voter.GetStringAsync("/")));

        // Each voter sends the same vote again, as a browser's reload does: answered, not counted again.
        foreach (var (token, i) in tokens.Select((token, i) => (token, i)))
        {
            Assert.Equal(303, await VotingPageReader.VoteAsync(voter, i % 2 == 0 ? "Cats" : "Dogs", token));
        }

        Assert.Equal(counted, VotingPageReader.ResultsLine(await voter.GetStringAsync("/")));
    }

    /// <summary>The counts, once storage has reconnected to Redis (the relay closed the connections whose answers it lost).</summary>
    private static async Task<(long Cats, long Dogs)> SettledCountsAsync(HttpClient storage)
    {
        var (_, counts) = await Eventually.UntilAsync("storage to read the counts", async () =>
        {
            using var response = await storage.GetAsync("/api/votes");
            return response.IsSuccessStatusCode
                ? ((int)response.StatusCode, (await response.Content.ReadFromJsonAsync(VotingJsonContext.Default.StoredCounts))!.Options)
                : ((int)response.StatusCode, null);
        }, read => read.Item2 is not null, TimeSpan.FromSeconds(30), interval: TimeSpan.FromMilliseconds(500));
        return (counts!.Single(c => c.Name == "Cats").Count, counts!.Single(c => c.Name == "Dogs").Count);
    }
}
