using Microsoft.AspNetCore.Builder;
using Serilog;
using Serilog.Formatting.Compact;

namespace VotingApp.ServiceDefaults;

public static class LoggingExtensions
{
    /// <summary>
    /// Serilog for every log event of the service: JSON lines in a container (LOG_FORMAT=json forces it),
    /// readable text otherwise; written on a background thread so that no request waits on the console.
    /// Configured in code (Native AOT has no reflection-based settings reader); the levels operators set
    /// through configuration come from <see cref="LogLevelSettings"/>, and a value that is not a level
    /// stops the service at start with a message naming the setting.
    /// </summary>
    internal static void AddVotingLogging(this WebApplicationBuilder builder, ServiceIdentity identity)
    {
        var json = string.Equals(builder.Configuration["LOG_FORMAT"], "json", StringComparison.OrdinalIgnoreCase)
            || (builder.Configuration["LOG_FORMAT"] is null
                && string.Equals(builder.Configuration["DOTNET_RUNNING_IN_CONTAINER"], "true", StringComparison.OrdinalIgnoreCase));
        var levels = LogLevelSettings.Read(builder.Configuration);
        builder.Services.ReportOnStart(levels.Problems);

        builder.Services.AddSerilog((services, logger) =>
        {
            logger.MinimumLevel.Is(levels.Default);
            foreach (var (name, level) in levels.Overrides)
            {
                logger.MinimumLevel.Override(name, level);
            }

            logger
                .Enrich.FromLogContext()
                .Enrich.With(new LogValue.Enricher())
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
}
