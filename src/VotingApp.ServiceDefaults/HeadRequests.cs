using Microsoft.AspNetCore.Http;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// HEAD answers wherever GET does (uptime checkers and <c>curl -I</c> send it): the request is routed as
/// the GET it stands for, and Kestrel, which knows the request line said HEAD, sends the status and headers
/// (Content-Length included) without the body. The method is put back afterwards, so the log says HEAD.
/// </summary>
internal static class HeadRequests
{
    // Not async itself: the GET, POST and DELETE that make up the traffic pass without a state machine.
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
