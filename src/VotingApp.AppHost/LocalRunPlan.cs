using Microsoft.Extensions.Configuration;
using VotingApp.Contracts;

namespace VotingApp.AppHost;

/// <summary>
/// What the local run starts, read from the AppHost's configuration (environment variables, command-line
/// --KEY=value, appsettings): the versions of the three services, the store storage uses and the app's port.
/// Nothing configured: storage 1.0 on a local SQLite file, analytics 1.1, app 1.0 on port 8080.
/// </summary>
public sealed class LocalRunPlan
{
    public const int DefaultAppPort = 8080;
    public const string Sqlite = StoreNames.Sqlite;

    /// <summary>The databases a local run can use, by the setting that chooses one.</summary>
    private static readonly (string Store, string HostKey, string Product)[] Databases =
    [
        (StoreNames.Redis, "REDIS_HOST", "Redis"),
        (StoreNames.MySql, "MYSQL_HOST", "MySQL"),
    ];

    public required string AppVersion { get; init; }
    public required string AnalyticsVersion { get; init; }
    public required string StorageVersion { get; init; }

    /// <summary>"sqlite", "redis" or "mysql".</summary>
    public required string Store { get; init; }

    public required int AppPort { get; init; }
    public required IReadOnlyDictionary<string, string> StorageEnvironment { get; init; }
    public required IReadOnlyDictionary<string, string> AppEnvironment { get; init; }

    public Uri VotingPage => new($"http://localhost:{AppPort}/");

    /// <summary>The plan, or the list of problems (each naming the setting) when the configuration is wrong.</summary>
    public static LocalRunPlan Read(IConfiguration configuration, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        string? Value(string key) => configuration[key] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var chosen = Databases.Where(database => Value(database.HostKey) is not null).ToList();
        if (chosen.Count > 1)
        {
            errors.Add($"{string.Join(" and ", chosen.Select(database => database.HostKey))} are both set: choose one store " +
                       $"({string.Join(", ", Databases.Select(database => $"{database.Product} for storage {KeeperOf(database.Store)}"))}).");
        }

        var store = chosen.Count > 0 ? chosen[^1].Store : Sqlite;
        var storageVersion = Version(ServiceCatalog.Storage, "STORAGE_VERSION",
            store == Sqlite ? ServiceCatalog.Storage.Versions[0] : KeeperOf(store));
        var analyticsVersion = Version(ServiceCatalog.Analytics, "ANALYTICS_VERSION", "1.1"); // the one with percentages
        var appVersion = Version(ServiceCatalog.App, "APP_VERSION", ServiceCatalog.App.Versions[0]);
        var versionStore = ServiceCatalog.Storage.Release(storageVersion)!.Store;
        if (chosen.Count > 0 && versionStore != store)
        {
            var (_, hostKey, product) = chosen[^1];
            errors.Add($"STORAGE_VERSION={storageVersion} keeps votes in {Databases.Single(other => other.Store == versionStore).Product}, " +
                       $"but {hostKey} is set: {product} is storage {KeeperOf(store)}'s store.");
        }

        var appPort = DefaultAppPort;
        if (Value("APP_PORT") is { } portText && (!int.TryParse(portText, out appPort) || appPort is < 1 or > 65535))
        {
            errors.Add($"APP_PORT='{portText}' is not a port number (1-65535).");
            appPort = DefaultAppPort;
        }

        // Each service's own settings, as they are when set: a setting added to a service is passed on too.
        var storageEnvironment = Given(PassedOnSettings.Storage);
        if (store == Sqlite)
        {
            storageEnvironment["STORAGE_BACKEND"] = Sqlite;
        }

        var appEnvironment = Given(PassedOnSettings.App);
        appEnvironment.TryAdd("SHOWDETAILS", "true");
        appEnvironment.TryAdd("FEATUREFLAG", "true");
        // The article's page has a Reset button; a local run keeps it whatever the default becomes.
        appEnvironment.TryAdd("RESET_ENABLED", "true");

        problems = errors;
        return new LocalRunPlan
        {
            AppVersion = appVersion,
            AnalyticsVersion = analyticsVersion,
            StorageVersion = storageVersion,
            Store = store,
            AppPort = appPort,
            StorageEnvironment = storageEnvironment,
            AppEnvironment = appEnvironment,
        };

        Dictionary<string, string> Given(IReadOnlyList<string> settings) =>
            settings.Where(key => Value(key) is not null).ToDictionary(key => key, key => Value(key)!);

        string Version(CatalogEntry service, string key, string fallback)
        {
            var version = Value(key) ?? fallback;
            if (!service.Versions.Contains(version))
            {
                errors.Add($"{key}='{version}' is not a version of {service.Name}; allowed: {string.Join(", ", service.Versions)}.");
                return fallback;
            }

            return version;
        }
    }

    /// <summary>The storage version whose own store <paramref name="store"/> is.</summary>
    private static string KeeperOf(string store) => ServiceCatalog.Storage.KeepingVotesIn(store).Number;

    public string Describe() =>
        $"app {AppVersion} -> analytics {AnalyticsVersion} -> storage {StorageVersion} on {Store}" +
        (Store == Sqlite ? $" ({(StorageEnvironment.TryGetValue("SQLITE_PATH", out var path) ? path : "voting-storage.db in the temp folder")})" : "");
}
