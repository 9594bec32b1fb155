using VotingApp.Contracts;
using Xunit;

namespace VotingApp.Testing;

/// <summary>
/// One real Redis and one real MariaDB, started together, for a test collection's fixture
/// (ICollectionFixture&lt;DatabaseServers&gt;). Tests keep apart by resetting or by their own database.
/// </summary>
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

    /// <summary>Storage's environment for the store of its version: this Redis, or <paramref name="database"/> on this MariaDB.</summary>
    public IReadOnlyDictionary<string, string?> StoreEnvironment(string storageVersion, string database = "votes") =>
        ServiceCatalog.Storage.Release(storageVersion)!.Store == StoreNames.Redis
            ? VotingChain.RedisEnvironment(Redis) : MariaDb.StorageEnvironment(database);
}
