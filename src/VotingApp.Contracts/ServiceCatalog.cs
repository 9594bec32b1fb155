namespace VotingApp.Contracts;

/// <summary>
/// One version of a service. A storage version names the store that keeps its votes (data, as Bookinfo
/// varies its reviews by version); what an analytics version writes is analytics' own (ResultsFormat).
/// </summary>
public sealed record ServiceVersion(string Number, string? Store = null);

/// <summary>A service of the voting sample and the versions its single source tree can be built as.</summary>
public sealed record CatalogEntry(string Name, IReadOnlyList<ServiceVersion> Releases)
{
    /// <summary>The version numbers, lowest first.</summary>
    public IReadOnlyList<string> Versions { get; } = [.. Releases.Select(release => release.Number)];

    /// <summary>The name as it appears in the x-voting-chain header: "app", "analytics", "storage".</summary>
    public string ShortName => Name["voting-".Length..];

    /// <summary>The version <paramref name="number"/>, or null when the service has none of that number.</summary>
    public ServiceVersion? Release(string? number) => Releases.FirstOrDefault(release => release.Number == number);

    /// <summary>The (storage) version whose own store is <paramref name="store"/>.</summary>
    public ServiceVersion KeepingVotesIn(string store) => Releases.Single(release => release.Store == store);
}

/// <summary>
/// The one place that says which versions of which service exist: the services, the AppHost and the tests
/// read it, and tests check every other copy (Dockerfiles, compose files, manifests) against it.
/// </summary>
public static class ServiceCatalog
{
    /// <summary>The voting web page (2.0 is the canary that the feature-flag cookie reaches; it does nothing else differently).</summary>
    public static readonly CatalogEntry App = new("voting-app", [new("1.0"), new("2.0")]);

    /// <summary>Reads the counts from storage and formats them.</summary>
    public static readonly CatalogEntry Analytics = new("voting-analytics", [new("1.0"), new("1.1"), new("2.0")]);

    /// <summary>Keeps the votes.</summary>
    public static readonly CatalogEntry Storage = new("voting-storage",
        [new("1.0", Store: StoreNames.Redis), new("2.0", Store: StoreNames.MySql)]);

    public static IReadOnlyList<CatalogEntry> All { get; } = [App, Analytics, Storage];
}

/// <summary>The store names as STORAGE_BACKEND, GET /api/store and every answer's "store" field spell them.</summary>
public static class StoreNames
{
    public const string Redis = "redis";
    public const string MySql = "mysql";

    /// <summary>The embedded store of a local run (STORAGE_BACKEND=sqlite): no version's own.</summary>
    public const string Sqlite = "sqlite";
}
