using System.Net;
using System.Text.RegularExpressions;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

/// <summary>
/// Redis at maxmemory with noeviction (as the Kubernetes files run it) refuses every write: a vote is answered
/// 503 "not counted" with a plain sentence, not a 500 and a stack trace; the log says so once, not per vote;
/// readiness is 503 and says why; the voter's page says "not counted". Once Redis has room again, votes count
/// and storage is ready again by itself.
/// </summary>
public class StoreFullTests
{
    private const string FullLine = "is full: votes are answered 503 (not counted) until it has room";

    [Fact]
    public async Task Redis_at_maxmemory_answers_votes_503_not_counted_logs_once_and_readiness_says_why()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", redis.StorageEnvironment());
        await storage.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", VotingChain.AppUpstreams(storage.Port, storage.Port));
        using var client = storage.CreateClient();
        using var voter = app.CreateClient();
        await client.ResetAsync();
        var counted = VoteToken.New();
        (await client.VoteAsync("Dogs", counted)).Dispose();

        await redis.CommandAsync("CONFIG", "SET", "maxmemory-policy", "noeviction");
        await redis.CommandAsync("CONFIG", "SET", "maxmemory", "1");
        for (var i = 0; i < 5; i++)
        {
            using var tokened = await client.VoteAsync("Cats", VoteToken.New());
            using var plain = await client.VoteAsync("Dogs");
            foreach (var vote in new[] { tokened, plain })
            {
                var problem = await vote.Content.ReadAsStringAsync();
                Assert.True(vote.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)vote.StatusCode} {problem}");
                Assert.Contains("Could not count the vote: the store is full; nothing changed.", problem);
                Assert.DoesNotContain("OOM", problem);
            }
        }

        // Votes sent together: none is counted, the whole answer is the 503; a repeat among them is still answered.
        using (var together = await client.VoteTogetherAsync(("Cats", VoteToken.New()), ("Dogs", VoteToken.New())))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, together.StatusCode);
            Assert.Contains("Could not count the vote: the store is full; nothing changed.", await together.Content.ReadAsStringAsync());
        }

        using (var together = await client.VoteTogetherAsync(("Dogs", counted), ("Cats", VoteToken.New())))
        {
            var outcomes = await together.OutcomesAsync();
            Assert.Equal([(200, 1L, true), (503, 0L, false)], outcomes.Select(outcome => (outcome.Status, outcome.Count, outcome.Repeated)));
            Assert.Equal("Could not count the vote: the store is full; nothing changed.", outcomes[1].Detail);
        }

        using (var page = await voter.PostAsync("/", VotingPageReader.VoteForm("Cats", VoteToken.New())))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.Contains("Your vote was not counted", await page.Content.ReadAsStringAsync());
        }

        using (var ready = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.Contains("is full", await ready.Content.ReadAsStringAsync());
        }

        await storage.AssertLoggedAsync(FullLine);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the log is written asynchronously: let every line of the votes arrive
        Assert.Single(Regex.Matches(storage.Output, Regex.Escape(FullLine)));
        Assert.DoesNotContain("   at ", storage.Output); // no stack trace
        Assert.Equal((0, 1), await client.CatsAndDogsAsync());

        await redis.CommandAsync("CONFIG", "SET", "maxmemory", "0");
        await storage.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        using (var vote = await client.VoteAsync("Cats", VoteToken.New()))
        {
            Assert.Equal(HttpStatusCode.OK, vote.StatusCode);
        }

        using (var together = await client.VoteTogetherAsync(("Cats", VoteToken.New()), ("Dogs", VoteToken.New())))
        {
            Assert.All(await together.OutcomesAsync(), outcome => Assert.Equal(200, outcome.Status));
        }

        Assert.Equal((2, 2), await client.CatsAndDogsAsync());
        await storage.AssertLoggedAsync("has room again");
    }
}
