using Microsoft.AspNetCore.Http;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// HEAD answers wherever GET does (uptime checkers and <c>curl -I</c> send it): the request is routed as
/// the GET it stands for, and Kestrel, which knows the request line said HEAD, sends the status and headers
/// (Content-Length included) without the body. The method is put back afterwards, so the log says HEAD.
/// </summary>
internal static class HeadRequests
{
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (!HttpMethods.IsHead(request.Method))
        {
            await next(context);
            return;
        }

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
