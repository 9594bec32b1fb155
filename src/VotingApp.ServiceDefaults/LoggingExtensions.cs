using Serilog;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace VotingApp.ServiceDefaults;

public static class LoggingExtensions
{
    /// <summary>Serilog: JSON lines in a container (or LOG_FORMAT=json), text otherwise, written off the request thread in batches.</summary>
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
                .WriteTo.Sink(new BatchedConsoleSink(json
                    ? new RenderedCompactJsonFormatter()
                    : new MessageTemplateTextFormatter(
                        "[{Timestamp:HH:mm:ss} {Level:u3}] {service}/{version} {SourceContext}: {Message:lj}{NewLine}{Exception}")));
        });
    }
}
