using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace VotingApp.ServiceDefaults;

/// <summary>Serilog's request logging, one line a request: 5xx Error; other 4xx and slow Warning; reads, 404/405/429, broken bodies, 499 Debug.</summary>
internal static class RequestLogging
{
    public const string Category = "VotingApp.RequestLog";

    /// <summary>Serilog's middleware logs under its own name; LoggingExtensions gives it <see cref="Category"/>'s level.</summary>
    public const string MiddlewareCategory = "Serilog.AspNetCore.RequestLoggingMiddleware";

    private const double SlowRequestMilliseconds = 1000;

    /// <summary>Outermost, so that it logs the status the exception handler answered (or 499 for an abandoned request).</summary>
    internal static void UseVotingRequestLogging(this WebApplication app) =>
        app.UseSerilogRequestLogging(options =>
        {
            options.Logger = app.Services.GetRequiredService<Serilog.ILogger>();
            // One template for the four shapes of line; the values stay properties of their own.
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} {Outcome:l}";
            options.GetLevel = (context, elapsed, error) => Level(context.Request.Method, context.Response.StatusCode, elapsed, error ?? HandledError(context));
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                if (HandledError(context) is { } error) diagnostics.SetException(error);
            };
            options.GetMessageTemplateProperties = Properties;
        });

    private static Exception? HandledError(HttpContext context) => context.Features.Get<IExceptionHandlerFeature>()?.Error;

    private static IEnumerable<LogEventProperty> Properties(HttpContext context, string path, double elapsed, int status)
    {
        var milliseconds = elapsed.ToString("0.0", CultureInfo.InvariantCulture);
        yield return new(Constants.SourceContextPropertyName, new ScalarValue(Category));
        yield return new("RequestMethod", new ScalarValue(context.Request.Method));
        yield return new("RequestPath", new ScalarValue(LogValue.Safe(path, LogValue.MaxPathLength)));
        yield return new("StatusCode", new ScalarValue(status));
        yield return new("Elapsed", new ScalarValue(elapsed));
        if (status == StatusCodes.Status499ClientClosedRequest)
        {
            yield return new("Outcome", new ScalarValue($"abandoned by the client after {milliseconds} ms"));
        }
        else if (status >= 500)
        {
            var traceId = ErrorResponses.TraceId(context);
            yield return new("TraceId", new ScalarValue(traceId));
            yield return new("Outcome", new ScalarValue($"responded {status} in {milliseconds} ms (trace id {traceId})"));
        }
        else if (context.Request.Headers.TryGetValue(RequestIdFilter.Header, out var requestId) && requestId.Count > 0)
        {
            yield return new("RequestId", new ScalarValue(requestId.ToString()));
            yield return new("Outcome", new ScalarValue($"responded {status} in {milliseconds} ms (x-request-id {requestId})"));
        }
        else
        {
            yield return new("Outcome", new ScalarValue($"responded {status} in {milliseconds} ms"));
        }
    }

    internal static LogEventLevel Level(string method, int status, double elapsedMilliseconds, Exception? error)
    {
        // A body the client broke (BrokenRequests answers it 400, 408 or 413): routine, like a scanner's 404.
        if (error is BadHttpRequestException || status == StatusCodes.Status499ClientClosedRequest) return LogEventLevel.Debug;
        if (error is not null || status >= 500) return LogEventLevel.Error;
        if (status is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed or StatusCodes.Status429TooManyRequests)
        {
            return elapsedMilliseconds > SlowRequestMilliseconds ? LogEventLevel.Warning : LogEventLevel.Debug;
        }

        if (status >= 400 || elapsedMilliseconds > SlowRequestMilliseconds) return LogEventLevel.Warning;
        return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? LogEventLevel.Debug : LogEventLevel.Information;
    }
}
