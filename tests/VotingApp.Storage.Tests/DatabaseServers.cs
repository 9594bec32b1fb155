using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

/// <summary>One real Redis and one real MariaDB for all storage tests (each test uses its own key space or database).</summary>
public sealed class DatabaseServers : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;
    public MariaDbServer MariaDb { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var redis = RedisServer.StartAsync();
        var mariaDb = MariaDbServer.StartAsync();
        Redis = await redis;
        MariaDb = await mariaDb;
    }

    public async Task DisposeAsync()
    {
        await Redis.DisposeAsync();
        await MariaDb.DisposeAsync();
    }

    /// <summary>Storage's environment for a store: 1.0 → this Redis, 2.0 → a fresh database on this MariaDB.</summary>
    public IReadOnlyDictionary<string, string?> StoreEnvironment(string storageVersion, string? database = null) =>
        storageVersion == "1.0"
            ? VotingChain.RedisEnvironment(Redis)
            : MariaDb.StorageEnvironment(database ?? "votes_" + Guid.NewGuid().ToString("N")[..12]);
}

[CollectionDefinition(Name)]
public sealed class DatabaseCollection : ICollectionFixture<DatabaseServers>
{
    public const string Name = "databases";
}
