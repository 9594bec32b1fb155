using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

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

    /// <summary>Distinct chains composed so far, so that a request does not build its header again.</summary>
    private const int MaxCachedChains = 64;

    private static readonly ConcurrentDictionary<(string Own, string Upstream), string> Composed = new();

    /// <summary>Response.OnStarting's callback (state: the HttpContext); static, so no closure per request.</summary>
    internal static readonly Func<object, Task> SetHeader = static state =>
    {
        var context = (HttpContext)state;
        var identity = context.RequestServices.GetRequiredService<ServiceIdentity>();
        context.Response.Headers[HeaderName] = Compose(identity, context);
        return Task.CompletedTask;
    };

    /// <summary>Remembers what the upstream service reported, for this request's own header.</summary>
    public static void RecordUpstream(HttpContext context, HttpResponseMessage upstreamResponse)
    {
        if (upstreamResponse.Headers.NonValidated.TryGetValues(HeaderName, out var values) && values.Count > 0)
        {
            context.Items[UpstreamItemKey] = values.Count == 1 ? values.ToString() : string.Join(' ', values);
        }
    }

    internal static string Compose(ServiceIdentity identity, HttpContext context)
    {
        if (context.Items.Count == 0 || !context.Items.TryGetValue(UpstreamItemKey, out var item) || item is not string { Length: > 0 } upstream)
        {
            return identity.ChainToken;
        }

        var key = (identity.ChainToken, upstream);
        if (Composed.TryGetValue(key, out var chain)) return chain;
        chain = $"{identity.ChainToken} {upstream}";
        // Bounded: a misbehaving upstream could report endless variations.
        if (Composed.Count < MaxCachedChains) Composed.TryAdd(key, chain);
        return chain;
    }
}
