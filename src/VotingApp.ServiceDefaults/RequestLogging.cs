using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// One structured event per request: "HTTP POST / responded 303 in 1.2 ms". Votes, resets and other
/// writes are logged at Information, failures (5xx, exceptions) at Error (with the trace id that the
/// caller was shown), refused requests (4xx) and slow ones (over a second) at Warning; routine reads
/// (GET/HEAD: the curl loop, probes, scrapes) and routine refusals at Debug: 404 and 405 (scanners, typos),
/// bodies the client broke on the wire, and 429 (a throttled flood is logged once per window by the rate limiter, not once per request). The
/// path is escaped and cut to <see cref="LogValue.MaxPathLength"/> characters (an 8 KB path of %0A is one
/// short line); the x-request-id is one that <see cref="RequestIdFilter"/> let through.
/// A request whose level is not enabled costs a timestamp and a comparison: nothing is collected or
/// formatted for it (Serilog's request logging built a diagnostic context for every request, logged or not).
/// Operators see the reads too with Logging__LogLevel__VotingApp.RequestLog=Debug.
/// </summary>
internal sealed partial class RequestLogging(RequestDelegate next, ILogger logger)
{
    public const string Category = "VotingApp.RequestLog";

    /// <summary>Requests slower than this are logged as warnings whatever their method.</summary>
    private const double SlowRequestMilliseconds = 1000;

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (a curl loop stopped, a closed tab): nothing failed here, and the exception
            // handler answers no one (ASP.NET Core's 499). Not an error with a stack trace in the log.
            LogAbandoned(logger, context.Request.Method, SafePath(context.Request), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
        catch (Exception e)
        {
            Write(context, Stopwatch.GetElapsedTime(started).TotalMilliseconds, e);
            throw;
        }

        Write(context, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
    }

    private void Write(HttpContext context, double elapsedMilliseconds, Exception? error)
    {
        var level = Level(context.Request.Method, context.Response.StatusCode, elapsedMilliseconds, error);
        if (!logger.IsEnabled(level)) return;

        var request = context.Request;
        // An unhandled exception becomes a 500 further out (the exception handler), as the log says.
        var status = error switch
        {
            null => context.Response.StatusCode,
            BadHttpRequestException broken => broken.StatusCode,
            _ => StatusCodes.Status500InternalServerError,
        };
        var path = SafePath(request);
        if (level >= LogLevel.Error)
        {
            LogFailure(logger, level, error, request.Method, path, status, elapsedMilliseconds, ErrorResponses.TraceId(context));
        }
        else if (request.Headers.TryGetValue(RequestIdFilter.Header, out var requestId) && requestId.Count > 0)
        {
            LogRequestWithId(logger, level, error, request.Method, path, status, elapsedMilliseconds, requestId.ToString());
        }
        else
        {
            LogRequest(logger, level, error, request.Method, path, status, elapsedMilliseconds);
        }
    }

    /// <summary>The path as the log may show it: escaped, and cut to <see cref="LogValue.MaxPathLength"/> characters.</summary>
    private static string SafePath(HttpRequest request) => LogValue.Safe(request.Path.Value ?? "/", LogValue.MaxPathLength);

    internal static LogLevel Level(string method, int status, double elapsedMilliseconds, Exception? error)
    {
        // A body the client broke (BrokenRequests answers it 400, 408 or 413): routine, like a scanner's 404.
        if (error is BadHttpRequestException) return LogLevel.Debug;
        if (error is not null || status >= 500)
        {
            return LogLevel.Error;
        }

        if (status is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed or StatusCodes.Status429TooManyRequests)
        {
            return elapsedMilliseconds > SlowRequestMilliseconds ? LogLevel.Warning : LogLevel.Debug;
        }

        if (status >= 400 || elapsedMilliseconds > SlowRequestMilliseconds)
        {
            return LogLevel.Warning;
        }

        return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? LogLevel.Debug : LogLevel.Information;
    }

    [LoggerMessage(LogLevel.Debug, "HTTP {RequestMethod} {RequestPath} abandoned by the client after {Elapsed:0.0} ms")]
    private static partial void LogAbandoned(ILogger logger, string requestMethod, string requestPath, double elapsed);

    [LoggerMessage("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms")]
    private static partial void LogRequest(ILogger logger, LogLevel level, Exception? error,
        string requestMethod, string requestPath, int statusCode, double elapsed);

    [LoggerMessage("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms (trace id {TraceId})")]
    private static partial void LogFailure(ILogger logger, LogLevel level, Exception? error,
        string requestMethod, string requestPath, int statusCode, double elapsed, string traceId);

    [LoggerMessage("HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms (x-request-id {RequestId})")]
    private static partial void LogRequestWithId(ILogger logger, LogLevel level, Exception? error,
        string requestMethod, string requestPath, int statusCode, double elapsed, string requestId);
}
