using VotingApp.Contracts;

namespace VotingApp.ServiceDefaults;

/// <summary>Which service this process is and its VOTING_VERSION (baked into the image); one not in the table stops it at start.</summary>
public sealed class ServiceIdentity(CatalogEntry service, string version)
{
    public const string VersionKey = "VOTING_VERSION";

    private readonly ServiceVersion? _release = service.Release(version);

    public CatalogEntry Service { get; } = service;
    public string Name => Service.Name;

    /// <summary>What VOTING_VERSION says (trimmed; empty when unset).</summary>
    public string Version { get; } = version;

    /// <summary>What this version does; a service whose version is not in the table never starts to ask.</summary>
    public ServiceVersion Release => _release ?? throw new InvalidOperationException($"{Name} has no version '{Version}'.");

    /// <summary>This service's part of the x-voting-chain response header, e.g. "analytics/1.1".</summary>
    public string ChainToken { get; } = VersionChain.Token(service, version);

    public static ServiceIdentity FromConfiguration(CatalogEntry service, IConfiguration configuration) =>
        new(service, configuration[VersionKey]?.Trim() ?? "");

    public IEnumerable<string> Problems()
    {
        if (_release is not null) yield break;
        var allowed = string.Join(", ", Service.Versions);
        yield return Version.Length == 0
            ? $"{VersionKey} is not set. {Name} must be told which version it is: one of {allowed}."
            : $"{VersionKey}='{Version}' is not a version of {Name}. Allowed: {allowed}.";
    }
}
