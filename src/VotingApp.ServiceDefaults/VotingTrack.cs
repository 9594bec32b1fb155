using Microsoft.Extensions.Primitives;

namespace VotingApp.ServiceDefaults;

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
    /// What a call made while serving <paramref name="incoming"/> carries: the app its own version (the
    /// track starts there); another service the incoming track when it is an app version, else none
    /// (a warm-up call outside any request, or a caller that sent none: the routes' default applies).
    /// </summary>
    public static string? ToSend(ServiceIdentity identity, StringValues incoming)
    {
        if (identity.Service == VotingService.App) return identity.Version;
        return incoming.Count == 1 && VotingService.App.Versions.Contains(incoming.ToString()) ? incoming.ToString() : null;
    }
}
