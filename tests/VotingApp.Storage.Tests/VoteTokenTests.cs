using System.Net;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

/// <summary>
/// A vote with a token (Idempotency-Key) is counted once, on real Redis, MariaDB and SQLite: repeated, even
/// 20 times at once, it answers the first result and counts nothing; the same token for the other option
/// is refused (409) and changes nothing; after the token's lifetime it is forgotten (and its row deleted).
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class VoteTokenTests(DatabaseServers servers)
{
    public static TheoryData<string> Stores => new() { "redis", "mysql", "sqlite" };

    private async Task<ServiceProcess> StartStorageAsync(string store, int? tokenLifetimeSeconds = null, string? database = null)
    {
        var environment = new Dictionary<string, string?>(store switch
        {
            "redis" => servers.StoreEnvironment("1.0"),
            "mysql" => servers.StoreEnvironment("2.0", database ?? "votes_tokens_" + Guid.NewGuid().ToString("N")[..8]),
            _ => new Dictionary<string, string?>
            {
                ["STORAGE_BACKEND"] = "sqlite",
                ["SQLITE_PATH"] = Path.Combine(RepositoryPaths.NewTempFolder("sqlite-tokens"), "votes.db"),
            },
        });
        if (tokenLifetimeSeconds is { } seconds) environment["VOTE_TOKEN_LIFETIME_SECONDS"] = seconds.ToString();
        var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, store == "mysql" ? "2.0" : "1.0", environment);
        using var client = storage.CreateClient();
        await client.ResetAsync();
        return storage;
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_same_token_twice_counts_once_and_answers_the_first_result(string store)
    {
        await using var storage = await StartStorageAsync(store);
        using var client = storage.CreateClient();
        var token = VoteToken.New();

        using (var first = await client.VoteAsync("Cats", token))
        {
            Assert.Equal(new VoteRecordedJson("Cats", 1, store, Repeated: false), await first.RecordedAsync());
        }

        (await client.VoteAsync("Cats")).Dispose(); // a plain vote in between: counted, as always
        using (var again = await client.VoteAsync("Cats", token))
        {
            Assert.Equal(new VoteRecordedJson("Cats", 1, store, Repeated: true), await again.RecordedAsync());
        }

        Assert.Equal((2, 0), await client.CatsAndDogsAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_same_token_sent_20_times_at_once_counts_once(string store)
    {
        await using var storage = await StartStorageAsync(store);
        var token = VoteToken.New();
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var client = storage.CreateClient();
            using var response = await client.VoteAsync("Dogs", token);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{storage.Output}");
            return await response.RecordedAsync();
        }));

        using var reader = storage.CreateClient();
        Assert.Equal((0, 1), await reader.CatsAndDogsAsync());
        Assert.All(answers, answer => Assert.Equal(1, answer.Count));
        Assert.Single(answers, answer => !answer.Repeated);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Votes_sent_together_count_once_each_and_the_batch_sent_again_counts_nothing(string store)
    {
        await using var storage = await StartStorageAsync(store);
        using var client = storage.CreateClient();
        (string?, string?)[] votes = [("Cats", VoteToken.New()), ("Dogs", VoteToken.New()), ("Cats", VoteToken.New())];

        IReadOnlyList<BatchedVoteJson> counted;
        using (var first = await client.VoteTogetherAsync(votes))
        {
            counted = await first.OutcomesAsync();
        }

        // The votes of a batch are counted side by side: which Cats vote came first is the store's to say.
        Assert.All(counted, outcome => Assert.Equal((200, false, null), (outcome.Status, outcome.Repeated, outcome.Detail)));
        Assert.Equal([1, 2], new[] { counted[0].Count, counted[2].Count }.Order());
        Assert.Equal(1, counted[1].Count);

        // As the mesh sends a batch again after a lost answer: every vote answers its first result, nothing is counted.
        using (var again = await client.VoteTogetherAsync(votes))
        {
            Assert.Equal(counted.Select(outcome => outcome with { Repeated = true }), await again.OutcomesAsync());
        }

        Assert.Equal((2, 1), await client.CatsAndDogsAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task One_token_twice_in_a_batch_is_counted_once(string store)
    {
        await using var storage = await StartStorageAsync(store);
        using var client = storage.CreateClient();
        var token = VoteToken.New();

        using var response = await client.VoteTogetherAsync(("Cats", token), ("Cats", token), ("Dogs", token));
        var outcomes = await response.OutcomesAsync();

        // Which came first is the store's to say: it is counted, a repeat of it answers its count, the other option is refused.
        var first = Assert.Single(outcomes, outcome => outcome is { Status: 200, Repeated: false });
        Assert.All(outcomes.Where(outcome => outcome != first), outcome =>
            Assert.True(outcome is { Status: 200, Repeated: true, Count: 1 } or { Status: 409 }, $"{outcome}"));
        var (cats, dogs) = await client.CatsAndDogsAsync();
        Assert.Equal(1, cats + dogs);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Each_vote_sent_together_gets_its_own_outcome(string store)
    {
        await using var storage = await StartStorageAsync(store);
        using var client = storage.CreateClient();
        var used = VoteToken.New();
        (await client.VoteAsync("Cats", used)).Dispose();

        using var response = await client.VoteTogetherAsync(("Dogs", used), ("Birds", VoteToken.New()), ("Dogs", null), ("Dogs", "not a token!"), ("Dogs", VoteToken.New()));
        var outcomes = await response.OutcomesAsync();

        Assert.Equal([409, 400, 400, 400, 200], outcomes.Select(outcome => outcome.Status));
        Assert.Contains("already used for a vote for Cats", outcomes[0].Detail);
        Assert.Contains("'Birds' is not an option", outcomes[1].Detail);
        Assert.Equal("Missing vote token", outcomes[2].Title);
        Assert.Contains("Each vote sent together needs a token", outcomes[2].Detail);
        Assert.StartsWith("A vote's token must be", outcomes[3].Detail);
        Assert.Equal((1, 1), await client.CatsAndDogsAsync());
    }

    [Fact]
    public async Task An_empty_batch_or_one_that_is_not_a_list_of_votes_is_refused_with_a_400_that_says_why()
    {
        await using var storage = await StartStorageAsync("redis");
        using var client = storage.CreateClient();

        using var empty = await client.VoteTogetherAsync();
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Send a JSON array of votes", await empty.Content.ReadAsStringAsync());
        using var notAList = await client.PostAsync("/api/votes/batch", new StringContent("{\"option\":\"Cats\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notAList.StatusCode);
        Assert.Equal((0, 0), await client.CatsAndDogsAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task The_same_token_for_the_other_option_is_refused_and_changes_nothing(string store)
    {
        await using var storage = await StartStorageAsync(store);
        using var client = storage.CreateClient();
        var token = VoteToken.New();
        (await client.VoteAsync("Cats", token)).EnsureSuccessStatusCode().Dispose();

        using var other = await client.VoteAsync("Dogs", token);
        Assert.Equal(HttpStatusCode.Conflict, other.StatusCode);
        Assert.Contains("already used for a vote for Cats; nothing was counted for Dogs", await other.Content.ReadAsStringAsync());
        Assert.Equal((1, 0), await client.CatsAndDogsAsync());
        await storage.AssertLoggedAsync("Refused a vote for Dogs: its token was already used for Cats");
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_token_is_forgotten_after_its_lifetime(string store)
    {
        // Long enough that the vote sent again at once is within it on a loaded machine.
        var lifetime = TimeSpan.FromSeconds(10);
        await using var storage = await StartStorageAsync(store, tokenLifetimeSeconds: (int)lifetime.TotalSeconds);
        using var client = storage.CreateClient();
        var token = VoteToken.New();
        var sinceFirst = System.Diagnostics.Stopwatch.StartNew();
        (await client.VoteAsync("Cats", token)).EnsureSuccessStatusCode().Dispose();
        Assert.True((await (await client.VoteAsync("Cats", token)).RecordedAsync()).Repeated);

        // Sent again for the other option until storage has forgotten the token: until then it is refused (409) and nothing is counted.
        var later = await Eventually.UntilAsync("the token to be forgotten", async () =>
        {
            using var vote = await client.VoteAsync("Dogs", token);
            return vote.StatusCode == HttpStatusCode.Conflict ? null : await vote.RecordedAsync();
        }, recorded => recorded is not null, lifetime + TimeSpan.FromSeconds(50), interval: TimeSpan.FromMilliseconds(500));
        // A store may keep expiry times to the second.
        Assert.True(sinceFirst.Elapsed >= lifetime - TimeSpan.FromSeconds(1), $"forgotten after {sinceFirst.Elapsed.TotalSeconds:0.0} s, before its {lifetime.TotalSeconds:0} s");
        Assert.Equal(new VoteRecordedJson("Dogs", 1, store, Repeated: false), later);
        Assert.Equal((1, 1), await client.CatsAndDogsAsync());
    }

    [Fact]
    public async Task Expired_tokens_are_deleted_so_the_table_does_not_grow()
    {
        var database = "votes_purge_" + Guid.NewGuid().ToString("N")[..8];
        // Long enough that the 30 votes are in before the first expires, on a loaded machine.
        await using var storage = await StartStorageAsync("mysql", tokenLifetimeSeconds: 15, database: database);
        using var client = storage.CreateClient();
        for (var i = 0; i < 30; i++) (await client.VoteAsync("Cats", VoteToken.New())).EnsureSuccessStatusCode().Dispose();
        Assert.Equal(30, await TokenRowsAsync(database));

        // Purged every half lifetime: within a few seconds of expiring, every row is gone; the counts stay.
        await Eventually.UntilAsync("every expired token row to be deleted", () => TokenRowsAsync(database), rows => rows == 0,
            TimeSpan.FromSeconds(60), interval: TimeSpan.FromMilliseconds(250));
        Assert.Equal((30, 0), await client.CatsAndDogsAsync());
    }

    /// <summary>A token outlives the page that carries it (30 minutes by default), not a day: 20,000 tokens a day are not kept a day.</summary>
    [Fact]
    public async Task Redis_token_keys_expire_after_30_minutes_by_default()
    {
        await using var storage = await StartStorageAsync("redis");
        using var client = storage.CreateClient();
        var token = VoteToken.New();
        (await client.VoteAsync("Cats", token)).EnsureSuccessStatusCode().Dispose();

        var ttl = long.Parse(await servers.Redis.CommandAsync("TTL", "voting:token:" + token));
        Assert.InRange(ttl, 1_800 - 60, 1_800);
    }

    [Fact]
    public async Task MySQL_token_rows_expire_after_30_minutes_by_default()
    {
        var database = "votes_lifetime_" + Guid.NewGuid().ToString("N")[..8];
        await using var storage = await StartStorageAsync("mysql", database: database);
        using var client = storage.CreateClient();
        var token = VoteToken.New();
        var sent = DateTimeOffset.UtcNow;
        (await client.VoteAsync("Cats", token)).EnsureSuccessStatusCode().Dispose();

        await using var connection = servers.MariaDb.Connect(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT expires_at FROM vote_tokens WHERE token = '{token}'";
        var expires = DateTimeOffset.FromUnixTimeMilliseconds((long)(await command.ExecuteScalarAsync())!);
        Assert.InRange(expires - sent, TimeSpan.FromMinutes(29), TimeSpan.FromMinutes(31));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("quote\"")]
    [InlineData("much-too-long-0123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task A_malformed_token_is_refused_and_counts_nothing(string token)
    {
        await using var storage = await StartStorageAsync("sqlite");
        using var client = storage.CreateClient();
        using var response = await client.VoteAsync("Cats", token);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The Idempotency-Key header must be 1-64 characters", await response.Content.ReadAsStringAsync());
        Assert.Equal((0, 0), await client.CatsAndDogsAsync());
    }

    private async Task<long> TokenRowsAsync(string database)
    {
        await using var connection = servers.MariaDb.Connect(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM vote_tokens";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
