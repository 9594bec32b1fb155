using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// Headers on every answer: no content sniffing, no referrer sent on, never framed (frame-ancestors
/// 'none', and X-Frame-Options for browsers that predate it), so the vote buttons cannot be clickjacked.
/// The Content-Security-Policy allows nothing unless the response set its own (the voting page allows its
/// one inline style by hash, its data: icon and posting forms to itself; never any script).
/// </summary>
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
