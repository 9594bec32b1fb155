using Microsoft.Net.Http.Headers;
using VotingApp.Contracts;

namespace VotingApp.ServiceDefaults;

/// <summary>Headers on every answer, error pages too, set as it starts: no sniffing, no referrer, never framed, and x-voting-chain.</summary>
internal static class ResponseHeaders
{
    /// <summary>Allows nothing: a response that needs more (the page) sets its own.</summary>
    public const string DefaultPolicy = "default-src 'none'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private static readonly Func<object, Task> Apply = static state =>
    {
        var context = (HttpContext)state;
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY"; // no clickjacked vote buttons
        headers["Referrer-Policy"] = "no-referrer";
        headers.TryAdd(HeaderNames.ContentSecurityPolicy, DefaultPolicy);
        // This version, unless the endpoint composed the chain of its upstreams.
        headers.TryAdd(VersionChain.HeaderName, context.RequestServices.GetRequiredService<ServiceIdentity>().ChainToken);
        return Task.CompletedTask;
    };

    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(Apply, context);
        return next(context);
    }
}
