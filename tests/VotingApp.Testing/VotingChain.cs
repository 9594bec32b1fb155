using VotingApp.Contracts;

namespace VotingApp.Testing;

/// <summary>The three services wired together as in one step of the article, each its own process.</summary>
public sealed class VotingChain : IAsyncDisposable
{
    private VotingChain(ServiceProcess storage, ServiceProcess analytics, ServiceProcess app)
    {
        Storage = storage;
        Analytics = analytics;
        App = app;
    }

    public ServiceProcess Storage { get; }
    public ServiceProcess Analytics { get; }
    public ServiceProcess App { get; }

    /// <summary>
    /// Starts storage (with <paramref name="storeEnvironment"/>: REDIS_* or MYSQL_*), analytics and the
    /// app, each pointed at the one before it through STORAGE_*/ANALYTICS_*.
    /// </summary>
    public static async Task<VotingChain> StartAsync(string appVersion, string analyticsVersion, string storageVersion,
        IReadOnlyDictionary<string, string?> storeEnvironment, IReadOnlyDictionary<string, string?>? appEnvironment = null)
    {
        var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, storageVersion, storeEnvironment);
        var analytics = await StartAnalyticsAsync(analyticsVersion, storage);
        var appSettings = new Dictionary<string, string?>(appEnvironment ?? new Dictionary<string, string?>());
        foreach (var (key, value) in AppUpstreams(analytics.Port, storage.Port)) appSettings[key] = value;
        var app = await ServiceProcess.StartAsync(ServiceCatalog.App, appVersion, appSettings);
        var chain = new VotingChain(storage, analytics, app);
        await chain.WaitUntilResultsServedAsync(TimeSpan.FromSeconds(30));
        return chain;
    }

    /// <summary>
    /// Waits until a page shows results, i.e. every hop has answered once. The first request through a
    /// freshly started chain compiles code and opens connections, which on a loaded 2-core machine can
    /// exceed the services' own time bounds; tests about behaviour start after that, not during it.
    /// </summary>
    public async Task WaitUntilResultsServedAsync(TimeSpan timeout)
    {
        using var client = App.CreateClient();
        // A first page slower than the client's own timeout is part of the warm-up, not a failure.
        await Eventually.UntilAsync("the chain to show results", async () => VotingPageReader.ResultsLine(await client.GetStringAsync("/")),
            line => !line.Contains("unavailable", StringComparison.Ordinal), timeout,
            () => $"{App.Output}\n{Analytics.Output}\n{Storage.Output}", e => e is HttpRequestException or TaskCanceledException);
    }

    public static IReadOnlyDictionary<string, string?> RedisEnvironment(RedisServer redis) => redis.StorageEnvironment();

    /// <summary>The app's settings that point it at analytics and storage on 127.0.0.1 (a real service, a proxy or a black hole).</summary>
    public static Dictionary<string, string?> AppUpstreams(int analyticsPort, int storagePort) => new()
    {
        ["ANALYTICS_HOST"] = "127.0.0.1",
        ["ANALYTICS_PORT"] = analyticsPort.ToString(),
        ["STORAGE_HOST"] = "127.0.0.1",
        ["STORAGE_PORT"] = storagePort.ToString(),
    };

    /// <summary>The settings that point a service at one neighbour on 127.0.0.1, e.g. STORAGE_HOST and STORAGE_PORT.</summary>
    public static Dictionary<string, string?> Upstream(string name, int port) => new()
    {
        [$"{name}_HOST"] = "127.0.0.1",
        [$"{name}_PORT"] = port.ToString(),
    };

    /// <summary>Storage on the embedded SQLite store, its file in <paramref name="folder"/>: a chain without a database server.</summary>
    public static Dictionary<string, string?> SqliteEnvironment(string folder, string file = "votes.db") => new()
    {
        ["STORAGE_BACKEND"] = "sqlite",
        ["SQLITE_PATH"] = Path.Combine(folder, file),
    };

    private static Task<ServiceProcess> StartAnalyticsAsync(string version, ServiceProcess storage) =>
        ServiceProcess.StartAsync(ServiceCatalog.Analytics, version, Upstream("STORAGE", storage.Port));

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Analytics.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
