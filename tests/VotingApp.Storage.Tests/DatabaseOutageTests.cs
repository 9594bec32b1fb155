using System.Net;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

/// <summary>
/// Storage starts while its database is down, says "not ready" and 503 with the reason until the database
/// answers, then becomes ready by itself: no crash loop, no restart needed.
/// </summary>
public class DatabaseOutageTests
{
    [Fact]
    public async Task Storage_1_0_waits_for_Redis_and_recovers_by_itself()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.StopAsync();
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", VotingChain.RedisEnvironment(redis));
        await AssertDownThenRecoversAsync(storage, "redis", () => redis.RestartAsync());
    }

    [Fact]
    public async Task Storage_2_0_waits_for_MySQL_and_recovers_by_itself()
    {
        await using var mariaDb = await MariaDbServer.StartAsync();
        await mariaDb.StopAsync();
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "2.0", mariaDb.StorageEnvironment("votes_late"));
        await AssertDownThenRecoversAsync(storage, "mysql", () => mariaDb.RestartAsync());
    }

    private static async Task AssertDownThenRecoversAsync(ServiceProcess storage, string store, Func<Task> startDatabase)
    {
        using var client = storage.CreateClient();

        using (var ready = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        using (var live = await client.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        using (var vote = await client.VoteAsync("Cats"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, vote.StatusCode);
            // A plain sentence and the trace id; the database's own message (host, port, user) only in the log.
            var problem = await vote.Content.ReadAsStringAsync();
            Assert.Contains("Could not count the vote: the store is unavailable.", problem);
            Assert.Matches("\"traceId\":\"[0-9a-f]{32}\"", problem);
            Assert.DoesNotContain("127.0.0.1", problem);
            Assert.DoesNotContain(store, problem);
        }

        using (var read = await client.GetAsync("/api/votes"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        }

        await startDatabase();
        await storage.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));

        await client.ResetAsync();
        using (var vote = await client.VoteAsync("Cats"))
        {
            Assert.Equal(HttpStatusCode.OK, vote.StatusCode);
        }

        Assert.Equal((1, 0), await client.CatsAndDogsAsync());
        Assert.False(storage.HasExited);
        await storage.AssertLoggedAsync("Vote store not ready yet");
        await storage.AssertLoggedAsync($"Could not count the vote: The {store} store at 127.0.0.1");
    }
}
