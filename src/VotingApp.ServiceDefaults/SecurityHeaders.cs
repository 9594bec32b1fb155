using Microsoft.Net.Http.Headers;

namespace VotingApp.ServiceDefaults;

/// <summary>No sniffing, no referrer, never framed (no clickjacked vote buttons); a CSP allowing nothing unless the response set its own.</summary>
internal static class SecurityHeaders
{
    public const string DefaultPolicy = "default-src 'none'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.OnStarting(Apply, context.Response);
        return next(context);
    }

    private static Task Apply(object state)
    {
        var headers = ((HttpResponse)state).Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (!headers.ContainsKey(HeaderNames.ContentSecurityPolicy))
        {
            headers.ContentSecurityPolicy = DefaultPolicy;
        }

        return Task.CompletedTask;
    }
}
