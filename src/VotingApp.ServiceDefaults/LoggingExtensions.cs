using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace VotingApp.ServiceDefaults;

public static class LoggingExtensions
{
    /// <summary>Requests slower than this are logged as warnings whatever their method.</summary>
    private const double SlowRequestMilliseconds = 1000;

    /// <summary>
    /// Serilog for every log event of the service: JSON lines in a container (LOG_FORMAT=json forces it),
    /// readable text otherwise; written on a background thread so that no request waits on the console.
    /// Configured in code (Native AOT has no reflection-based settings reader); the levels operators set
    /// through configuration come from <see cref="LogLevelSettings"/>, and a value that is not a level
    /// stops the service at start with a message naming the setting.
    /// </summary>
    internal static void AddVotingLogging(this WebApplicationBuilder builder, ServiceIdentity identity, StartupErrors errors)
    {
        var json = string.Equals(builder.Configuration["LOG_FORMAT"], "json", StringComparison.OrdinalIgnoreCase)
            || (builder.Configuration["LOG_FORMAT"] is null
                && string.Equals(builder.Configuration["DOTNET_RUNNING_IN_CONTAINER"], "true", StringComparison.OrdinalIgnoreCase));
        var levels = LogLevelSettings.Read(builder.Configuration);
        foreach (var problem in levels.Problems) errors.Add(problem);

        builder.Services.AddSerilog((services, logger) =>
        {
            logger.MinimumLevel.Is(levels.Default);
            foreach (var (name, level) in levels.Overrides)
            {
                logger.MinimumLevel.Override(name, level);
            }

            logger
                .Enrich.FromLogContext()
                .Enrich.WithProperty("service", identity.Name)
                .Enrich.WithProperty("version", identity.Version)
                .WriteTo.Async(sink =>
                {
                    if (json)
                    {
                        sink.Console(new RenderedCompactJsonFormatter());
                    }
                    else
                    {
                        sink.Console(outputTemplate:
                            "[{Timestamp:HH:mm:ss} {Level:u3}] {service}/{version} {SourceContext}: {Message:lj}{NewLine}{Exception}");
                    }
                }, blockWhenFull: false);
        });
    }

    /// <summary>
    /// One structured event per request. Votes, resets, failures and slow requests are logged at
    /// Information or above; routine fast reads (the curl loop, probes, scrapes) at Debug, so that the
    /// default level does not spend the hot path on formatting log lines nobody reads.
    /// </summary>
    internal static void UseVotingRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} responded {StatusCode} in {Elapsed:0.0} ms";
            options.GetLevel = RequestLevel;
            options.EnrichDiagnosticContext = (diagnostics, context) =>
            {
                if (context.Request.Headers.TryGetValue("x-request-id", out var requestId))
                {
                    diagnostics.Set("RequestId", requestId.ToString());
                }
            };
        });
    }

    private static LogEventLevel RequestLevel(HttpContext context, double elapsedMilliseconds, Exception? error)
    {
        var status = context.Response.StatusCode;
        if (error is not null || status >= 500)
        {
            return LogEventLevel.Error;
        }

        if (status >= 400 || elapsedMilliseconds > SlowRequestMilliseconds)
        {
            return LogEventLevel.Warning;
        }

        return HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            ? LogEventLevel.Debug
            : LogEventLevel.Information;
    }
}
