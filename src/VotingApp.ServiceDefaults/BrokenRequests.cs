using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// A request the client broke on the wire — a chunk size that is no number or overflows, a body that ends
/// before its length, one that stalls below Kestrel's MinRequestBodyDataRate — reaches the code as Kestrel's
/// BadHttpRequestException. It is the client's mistake: answered with Kestrel's status (400, 408, 413) as
/// the usual problem details and logged at Debug. Handled by an IExceptionHandler, so ASP.NET Core's
/// exception handler neither logs it as an error nor tags the request metric with it (a 5xx would fail a
/// canary's success-rate check).
/// </summary>
internal sealed partial class BrokenRequests(ILogger<BrokenRequests> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException broken) return false;
        LogBroken(logger, broken.StatusCode, broken.Message);
        var (title, detail) = broken.StatusCode switch
        {
            StatusCodes.Status408RequestTimeout => ("Request body too slow", "The request body arrived too slowly, or stopped arriving; send it whole and promptly."),
            StatusCodes.Status413PayloadTooLarge => ("Request body too large", RequestLimits.TooLargeDetail),
            _ => ("Malformed request body", "The request body could not be read: it is malformed (e.g. a chunk size that is not a number) or ended before its declared length."),
        };
        await ErrorResponses.WriteAsync(context, broken.StatusCode, title, detail);
        return true;
    }

    [LoggerMessage(LogLevel.Debug, "Request body refused with {StatusCode}: {Reason}")]
    private static partial void LogBroken(ILogger logger, int statusCode, string reason);
}
