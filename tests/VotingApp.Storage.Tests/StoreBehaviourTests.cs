using System.Net;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

/// <summary>Storage 1.0 on real Redis and 2.0 on real MariaDB, each running as its own process.</summary>
[Collection(DatabaseCollection.Name)]
public class StoreBehaviourTests(DatabaseServers servers)
{
    /// <summary>Each MySQL test its own database, so that a schema is made from nothing every time.</summary>
    private static string UniqueDatabase() => "votes_" + Guid.NewGuid().ToString("N")[..12];

    public static TheoryData<string, string> Stores => new() { { "1.0", "redis" }, { "2.0", "mysql" } };

    private async Task<ServiceProcess> StartStorageAsync(string version, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, version, environment ?? servers.StoreEnvironment(version, UniqueDatabase()));
        using var client = storage.CreateClient();
        await client.ResetAsync();
        return storage;
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Counts_votes_per_option_and_resets(string version, string store)
    {
        await using var storage = await StartStorageAsync(version);
        using var client = storage.CreateClient();

        Assert.Equal((0, 0), await client.CatsAndDogsAsync());
        for (var i = 1; i <= 3; i++)
        {
            using var vote = await client.VoteAsync("Cats");
            Assert.Equal(new VoteRecordedJson("Cats", i, store), await vote.RecordedAsync());
        }

        (await client.VoteAsync("Dogs")).Dispose();
        var counts = await client.CountsAsync();
        Assert.Equal(store, counts.Store);
        Assert.Equal([new OptionCountJson("Cats", 3), new OptionCountJson("Dogs", 1)], counts.Options);

        await client.ResetAsync();
        Assert.Equal((0, 0), await client.CatsAndDogsAsync());
        Assert.Contains($"\"store\":\"{store}\"", await client.GetStringAsync("/api/store"));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Counts_2000_votes_from_20_parallel_clients_exactly(string version, string store)
    {
        await using var storage = await StartStorageAsync(version);
        var acknowledged = new long[2];
        await Parallel.ForEachAsync(Enumerable.Range(0, 20), new ParallelOptions { MaxDegreeOfParallelism = 20 }, async (voter, _) =>
        {
            using var client = storage.CreateClient();
            for (var i = 0; i < 100; i++)
            {
                var option = (voter + i) % 4 == 0 ? 1 : 0; // a quarter of the votes go to Dogs
                using var response = await client.VoteAsync(option == 0 ? "Cats" : "Dogs");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Interlocked.Increment(ref acknowledged[option]);
            }
        });

        using var reader = storage.CreateClient();
        Assert.Equal((acknowledged[0], acknowledged[1]), await reader.CatsAndDogsAsync());
        Assert.Equal(2000, acknowledged[0] + acknowledged[1]);
        Assert.Equal(store, (await reader.CountsAsync()).Store);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Votes_survive_a_restart_of_the_service(string version, string store)
    {
        var environment = servers.StoreEnvironment(version, UniqueDatabase());
        await using var storage = await StartStorageAsync(version, environment);
        using (var client = storage.CreateClient())
        {
            (await client.VoteAsync("Cats")).Dispose();
            (await client.VoteAsync("Dogs")).Dispose();
            (await client.VoteAsync("Dogs")).Dispose();
        }

        Assert.True(await storage.TerminateAsync(TimeSpan.FromSeconds(10)), "storage did not stop on SIGTERM");
        await storage.StartAsync();

        using var after = storage.CreateClient();
        var counts = await after.CountsAsync();
        Assert.Equal(store, counts.Store);
        Assert.Equal((1, 2), await after.CatsAndDogsAsync());
    }

    [Fact]
    public async Task MySql_keeps_one_counter_row_per_option_not_one_row_per_vote()
    {
        var database = "votes_rows_" + Guid.NewGuid().ToString("N")[..8];
        await using var storage = await StartStorageAsync("2.0", servers.StoreEnvironment("2.0", database));
        using var client = storage.CreateClient();
        for (var i = 0; i < 50; i++) (await client.VoteAsync(i % 2 == 0 ? "Cats" : "Dogs")).Dispose();

        await using var connection = servers.MariaDb.Connect(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), SUM(vote_count) FROM vote_counts";
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(2, reader.GetInt64(0));
        Assert.Equal(50, reader.GetInt64(1));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Unknown_options_are_refused_and_change_nothing(string version, string store)
    {
        await using var storage = await StartStorageAsync(version);
        using var client = storage.CreateClient();
        (await client.VoteAsync("Cats")).Dispose();

        foreach (var bad in new[] { "Birds", "", "cats", new string('x', 500), null })
        {
            using var response = await client.VoteAsync(bad);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("is not an option. Vote for one of: Cats, Dogs.", await response.Content.ReadAsStringAsync());
        }

        using var malformed = await client.PostAsync("/api/votes", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        Assert.Equal((1, 0), await client.CatsAndDogsAsync());
        Assert.Equal(store, (await client.CountsAsync()).Store);
        await storage.AssertLoggedAsync("Vote rejected: unknown option 'Birds'");
    }
}
