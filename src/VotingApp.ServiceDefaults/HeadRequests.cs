namespace VotingApp.ServiceDefaults;

/// <summary>HEAD is routed as the GET it stands for, on every endpoint; Kestrel sends no body, and the log still says HEAD.</summary>
internal static class HeadRequests
{
    public static Task InvokeAsync(HttpContext context, RequestDelegate next) =>
        HttpMethods.IsHead(context.Request.Method) ? AsGetAsync(context, next) : next(context);

    private static async Task AsGetAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        request.Method = HttpMethods.Get;
        try
        {
            await next(context);
        }
        finally
        {
            request.Method = HttpMethods.Head;
        }
    }
}
