using VotingApp.ServiceDefaults;

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
    public ServiceProcess Analytics { get; private set; }
    public ServiceProcess App { get; }

    /// <summary>
    /// Starts storage (with <paramref name="storeEnvironment"/>: REDIS_* or MYSQL_*), analytics and the
    /// app, each pointed at the one before it through STORAGE_*/ANALYTICS_*.
    /// </summary>
    public static async Task<VotingChain> StartAsync(string appVersion, string analyticsVersion, string storageVersion,
        IReadOnlyDictionary<string, string?> storeEnvironment, IReadOnlyDictionary<string, string?>? appEnvironment = null)
    {
        var storage = await ServiceProcess.StartAsync(VotingService.Storage, storageVersion, storeEnvironment);
        var analytics = await StartAnalyticsAsync(analyticsVersion, storage);
        var appSettings = new Dictionary<string, string?>(appEnvironment ?? new Dictionary<string, string?>())
        {
            ["ANALYTICS_HOST"] = "127.0.0.1",
            ["ANALYTICS_PORT"] = analytics.Port.ToString(),
            ["STORAGE_HOST"] = "127.0.0.1",
            ["STORAGE_PORT"] = storage.Port.ToString(),
        };
        var app = await ServiceProcess.StartAsync(VotingService.App, appVersion, appSettings);
        return new VotingChain(storage, analytics, app);
    }

    public static IReadOnlyDictionary<string, string?> RedisEnvironment(RedisServer redis) => new Dictionary<string, string?>
    {
        ["REDIS_HOST"] = redis.Host,
        ["REDIS_PORT"] = redis.Port.ToString(),
    };

    private static Task<ServiceProcess> StartAnalyticsAsync(string version, ServiceProcess storage) =>
        ServiceProcess.StartAsync(VotingService.Analytics, version, new Dictionary<string, string?>
        {
            ["STORAGE_HOST"] = "127.0.0.1",
            ["STORAGE_PORT"] = storage.Port.ToString(),
        });

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Analytics.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
