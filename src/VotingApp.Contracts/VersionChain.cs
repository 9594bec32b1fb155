using System.Collections.Concurrent;

namespace VotingApp.Contracts;

/// <summary>
/// The x-voting-chain response header names every service version that took part in an answer, e.g.
/// "app/1.0 analytics/1.1 storage/1.0". Each service puts its own token in front of what its upstream
/// reported, so a curl loop or the load generator sees the canary split without parsing the page.
/// </summary>
public static class VersionChain
{
    public const string HeaderName = "x-voting-chain";

    /// <summary>Distinct chains composed so far, so that a request does not build its header again.</summary>
    private const int MaxCachedChains = 64;

    private static readonly ConcurrentDictionary<(string Own, string Upstream), string> Composed = new();

    /// <summary>A service's own token, e.g. "analytics/1.1".</summary>
    public static string Token(CatalogEntry service, string version) => $"{service.ShortName}/{version}";

    /// <summary>What an upstream's answer reported, or null when it sent no chain (or no answer came).</summary>
    public static string? ReportedBy(HttpResponseMessage? upstreamResponse) =>
        upstreamResponse is not null && upstreamResponse.Headers.NonValidated.TryGetValues(HeaderName, out var values) && values.Count > 0
            ? values.Count == 1 ? values.ToString() : string.Join(' ', values)
            : null;

    /// <summary>This service's token in front of what its upstream reported.</summary>
    public static string Compose(string ownToken, string? upstream)
    {
        if (upstream is not { Length: > 0 }) return ownToken;
        var key = (ownToken, upstream);
        if (Composed.TryGetValue(key, out var chain)) return chain;
        chain = $"{ownToken} {upstream}";
        // Bounded: a misbehaving upstream could report endless variations.
        if (Composed.Count < MaxCachedChains) Composed.TryAdd(key, chain);
        return chain;
    }
}
