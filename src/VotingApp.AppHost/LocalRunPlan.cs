using Microsoft.Extensions.Configuration;
using VotingApp.ServiceDefaults;

namespace VotingApp.AppHost;

/// <summary>
/// What the local run starts, read from the AppHost's configuration (environment variables, command-line
/// --KEY=value, appsettings): the versions of the three services, the store storage uses and the app's port.
/// Nothing configured: storage 1.0 on a local SQLite file, analytics 1.1, app 1.0 on port 8080.
/// </summary>
public sealed class LocalRunPlan
{
    /// <summary>Passed to storage as they are when set (REDIS_* / MYSQL_* / SQLITE_PATH / the vote options).</summary>
    private static readonly string[] StorageKeys =
    [
        "REDIS_HOST", "REDIS_PORT", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_DATABASE",
        "SQLITE_PATH", "VOTE1VALUE", "VOTE2VALUE",
    ];

    /// <summary>Passed to the app as they are when set.</summary>
    private static readonly string[] AppKeys = ["TITLE", "VOTE1VALUE", "VOTE2VALUE", "SHOWDETAILS", "FEATUREFLAG"];

    public const int DefaultAppPort = 8080;

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

        var redis = Value("REDIS_HOST") is not null;
        var mysql = Value("MYSQL_HOST") is not null;
        if (redis && mysql)
        {
            errors.Add("REDIS_HOST and MYSQL_HOST are both set: choose one store (Redis for storage 1.0, MySQL for storage 2.0).");
        }

        var store = mysql ? "mysql" : redis ? "redis" : "sqlite";
        var storageVersion = Version(VotingService.Storage, "STORAGE_VERSION", store == "mysql" ? "2.0" : "1.0");
        var analyticsVersion = Version(VotingService.Analytics, "ANALYTICS_VERSION", "1.1");
        var appVersion = Version(VotingService.App, "APP_VERSION", "1.0");
        if (store == "redis" && storageVersion != "1.0")
        {
            errors.Add($"STORAGE_VERSION={storageVersion} keeps votes in MySQL, but REDIS_HOST is set: Redis is storage 1.0's store.");
        }
        else if (store == "mysql" && storageVersion != "2.0")
        {
            errors.Add($"STORAGE_VERSION={storageVersion} keeps votes in Redis, but MYSQL_HOST is set: MySQL is storage 2.0's store.");
        }

        var appPort = DefaultAppPort;
        if (Value("APP_PORT") is { } portText && (!int.TryParse(portText, out appPort) || appPort is < 1 or > 65535))
        {
            errors.Add($"APP_PORT='{portText}' is not a port number (1-65535).");
            appPort = DefaultAppPort;
        }

        var storageEnvironment = StorageKeys.Where(key => Value(key) is not null).ToDictionary(key => key, key => Value(key)!);
        if (store == "sqlite")
        {
            storageEnvironment["STORAGE_BACKEND"] = "sqlite";
        }

        var appEnvironment = AppKeys.Where(key => Value(key) is not null).ToDictionary(key => key, key => Value(key)!);
        appEnvironment.TryAdd("SHOWDETAILS", "true");
        appEnvironment.TryAdd("FEATUREFLAG", "true");

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

        string Version(VotingService service, string key, string fallback)
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

    public string Describe() =>
        $"app {AppVersion} -> analytics {AnalyticsVersion} -> storage {StorageVersion} on {Store}" +
        (Store == "sqlite" ? $" ({(StorageEnvironment.TryGetValue("SQLITE_PATH", out var path) ? path : "voting-storage.db in the temp folder")})" : "");
}
