using Microsoft.AspNetCore.Diagnostics;

namespace VotingApp.ServiceDefaults;

/// <summary>A body the client broke is Kestrel's 400, 408 or 413, not an error or a 5xx that would fail a canary.</summary>
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
