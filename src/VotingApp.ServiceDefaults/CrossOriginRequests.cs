using Microsoft.AspNetCore.Http;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// A form another website makes a visitor's browser send (a vote, a reset, the feature flag) is refused
/// with 403 before its body is read: the browser says where it came from. As Go's net/http
/// CrossOriginProtection decides it: Sec-Fetch-Site, when sent, must be same-origin or none (typed by the
/// user); otherwise an Origin, when sent, must name the host the request was sent to; a request with
/// neither is no browser's cross-site form (curl, the services). Our own middleware because ASP.NET Core's
/// antiforgery needs a cookie and a second token, where these headers are enough and need no script.
/// </summary>
internal static class CrossOriginRequests
{
    public const string Detail = "This form was not from this site: another website made your browser send it. Nothing was changed; vote on the voting page itself.";

    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || IsSameOrigin(request))
        {
            return next(context);
        }

        return ErrorResponses.WriteAsync(context, StatusCodes.Status403Forbidden, "Cross-site request refused", Detail);
    }

    private static bool IsSameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0) return site is "same-origin" or "none";
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        var authority = origin.IndexOf("://", StringComparison.Ordinal) is var at and >= 0 ? origin[(at + 3)..] : null;
        return authority is not null && string.Equals(authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}
