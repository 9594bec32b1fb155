namespace VotingApp.ServiceDefaults;

/// <summary>How analytics writes the results line; also the label of voting_results_served_total.</summary>
public enum ResultsLine
{
    /// <summary>"Cats: 2 | Dogs: 4".</summary>
    Counts,

    /// <summary>"Cats: 2/6 (33%) | Dogs: 4/6 (67%)".</summary>
    Shares,
}

/// <summary>
/// One version of a service and what it does differently. Only its own service's column is set: analytics
/// says how it writes the results, storage which store keeps the votes.
/// </summary>
public sealed record ServiceVersion(string Number, ResultsLine? Results = null, string? Store = null);

/// <summary>
/// A service of the voting sample and the versions its single source tree can be built as. This table is
/// the one place that says which versions exist and what each does: the services, the AppHost and the
/// tests read it, and tests check every other copy (Dockerfiles, compose files, manifests) against it.
/// </summary>
public sealed record VotingService(string Name, IReadOnlyList<ServiceVersion> Releases)
{
    /// <summary>The store names as STORAGE_BACKEND and GET /votes/store spell them.</summary>
    public const string RedisStore = "redis";
    public const string MySqlStore = "mysql";

    /// <summary>The embedded store of a local run (STORAGE_BACKEND=sqlite): no version's own.</summary>
    public const string SqliteStore = "sqlite";

    /// <summary>The voting web page (2.0 is the canary that the feature-flag cookie reaches; it does nothing else differently).</summary>
    public static readonly VotingService App = new("voting-app", [new("1.0"), new("2.0")])
    {
        Settings = ["TITLE", "SHOWDETAILS", "FEATUREFLAG", "RESET_ENABLED", "RESET_LIMIT_PER_MINUTE", .. Ballot.Settings],
    };

    /// <summary>Reads the counts from storage and formats them.</summary>
    public static readonly VotingService Analytics = new("voting-analytics",
        [new("1.0", Results: ResultsLine.Counts), new("1.1", Results: ResultsLine.Shares), new("2.0", Results: ResultsLine.Shares)]);

    /// <summary>Keeps the votes.</summary>
    public static readonly VotingService Storage = new("voting-storage",
        [new("1.0", Store: RedisStore), new("2.0", Store: MySqlStore)])
    {
        Settings =
        [
            "STORAGE_BACKEND", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_PWD", "REDIS_PASSWORD_FILE", "REDIS_SSL",
            "REDIS_SSL_CA_FILE", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_PASSWORD_FILE",
            "MYSQL_DATABASE", "MYSQL_SSL_MODE", "MYSQL_SSL_CA_FILE", "VOTE_TOKEN_LIFETIME_SECONDS", "SQLITE_PATH",
            .. Ballot.Settings,
        ],
    };

    public static IReadOnlyList<VotingService> All { get; } = [App, Analytics, Storage];

    /// <summary>
    /// The service's own settings (its options classes; tests check the list against them), which the
    /// AppHost passes on from its configuration. Not those the AppHost sets itself (the neighbours'
    /// addresses) nor those every service shares (logging, faults, rate limits).
    /// </summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    /// <summary>The version numbers, lowest first.</summary>
    public IReadOnlyList<string> Versions { get; } = [.. Releases.Select(release => release.Number)];

    /// <summary>The name as it appears in the x-voting-chain header: "app", "analytics", "storage".</summary>
    public string ShortName => Name["voting-".Length..];

    /// <summary>The version <paramref name="number"/>, or null when the service has none of that number.</summary>
    public ServiceVersion? Release(string? number) => Releases.FirstOrDefault(release => release.Number == number);

    /// <summary>The (storage) version whose own store is <paramref name="store"/>.</summary>
    public ServiceVersion KeepingVotesIn(string store) => Releases.Single(release => release.Store == store);
}
