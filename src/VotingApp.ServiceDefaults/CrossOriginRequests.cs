namespace VotingApp.ServiceDefaults;

/// <summary>Another site's form is refused 403 as Go's net/http CrossOriginProtection decides: no cookie or token needed.</summary>
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
