using StackExchange.Redis;

namespace VotingApp.Storage.Stores;

/// <summary>Storage 1.0: one Redis hash, one field per option, HINCRBY for an atomic vote.</summary>
public sealed class RedisVoteStore(string host, int port) : VoteStore, IAsyncDisposable
{
    private static readonly RedisKey CountsKey = "voting:counts";
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => ConnectAsync(host, port));

    public override string Kind => "redis";
    public override string Location { get; } = $"{host}:{port}";

    private static Task<ConnectionMultiplexer> ConnectAsync(string host, int port)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { host, port } },
            // Start even while Redis is still starting, and keep reconnecting in the background.
            AbortOnConnectFail = false,
            ConnectTimeout = 2000,
            AsyncTimeout = 1000,
            SyncTimeout = 1000,
            // While disconnected, fail at once (503) instead of queueing votes that may never be sent.
            BacklogPolicy = BacklogPolicy.FailFast,
            ClientName = "voting-storage",
        };
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    private async Task<IDatabase> DatabaseAsync() => (await _connection.Value).GetDatabase();

    protected override async Task PrepareAsync(CancellationToken cancellationToken) => await (await DatabaseAsync()).PingAsync();

    protected override async Task<IReadOnlyDictionary<string, long>> ReadCountsAsync(IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        var fields = options.Select(option => (RedisValue)option).ToArray();
        var values = await (await DatabaseAsync()).HashGetAsync(CountsKey, fields);
        var counts = new Dictionary<string, long>(options.Count);
        for (var i = 0; i < options.Count; i++)
        {
            counts[options[i]] = values[i].IsNull ? 0 : (long)values[i];
        }

        return counts;
    }

    protected override async Task<long> IncrementAsync(string option, CancellationToken cancellationToken) =>
        await (await DatabaseAsync()).HashIncrementAsync(CountsKey, option);

    protected override async Task ClearAsync(CancellationToken cancellationToken) =>
        await (await DatabaseAsync()).KeyDeleteAsync(CountsKey);

    protected override async Task PingCoreAsync(CancellationToken cancellationToken) => await (await DatabaseAsync()).PingAsync();

    protected override bool IsUnavailable(Exception exception) =>
        exception is RedisConnectionException or RedisTimeoutException
        || (exception is RedisServerException server && server.Message.StartsWith("LOADING", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await (await _connection.Value).DisposeAsync();
        }
    }
}
