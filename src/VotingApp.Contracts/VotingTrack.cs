namespace VotingApp.Contracts;

/// <summary>
/// The x-voting-track request header: which app version a call is made for, so that the Gateway API
/// track's mesh routes (gateway-api/, docs/gateway-api-walkthrough.md) can send the whole chain to the
/// caller's version without Istio's `sourceLabels`, which ambient mode ignores. The app names its own
/// version on every call it makes, whatever the visitor sent; analytics forwards the track of the request
/// it serves. A value that is not an app version is never sent on.
/// </summary>
public static class VotingTrack
{
    public const string HeaderName = "x-voting-track";

    /// <summary>
    /// What a call made by <paramref name="service"/> <paramref name="version"/> while serving a request with
    /// the track values <paramref name="incoming"/> carries: the app its own version (the track starts there);
    /// another service the incoming track when it is one app version, else none (a warm-up call outside any
    /// request, or a caller that sent none: the routes' default applies).
    /// </summary>
    public static string? ToSend(CatalogEntry service, string version, IReadOnlyList<string?> incoming)
    {
        if (service == ServiceCatalog.App) return version;
        return incoming is [{ } track] && ServiceCatalog.App.Versions.Contains(track) ? track : null;
    }
}
