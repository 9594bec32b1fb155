using Microsoft.AspNetCore.Http;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// The x-voting-chain response header names every service version that took part in an answer, e.g.
/// "app/1.0 analytics/1.1 storage/1.0". Each service puts its own token in front of what its upstream
/// reported, so a curl loop or the load generator sees the canary split without parsing the page.
/// </summary>
public static class VersionChain
{
    public const string HeaderName = "x-voting-chain";
    private const string UpstreamItemKey = "VotingApp.UpstreamChain";

    /// <summary>Remembers what the upstream service reported, for this request's own header.</summary>
    public static void RecordUpstream(HttpContext context, HttpResponseMessage upstreamResponse)
    {
        if (upstreamResponse.Headers.TryGetValues(HeaderName, out var values))
        {
            context.Items[UpstreamItemKey] = string.Join(' ', values);
        }
    }

    internal static string Compose(ServiceIdentity identity, HttpContext context) =>
        context.Items.TryGetValue(UpstreamItemKey, out var upstream) && upstream is string chain && chain.Length > 0
            ? $"{identity.ChainToken} {chain}"
            : identity.ChainToken;
}
