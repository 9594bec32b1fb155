using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace VotingApp.ServiceDefaults;

public static class LoggingExtensions
{
    /// <summary>Framework chatter that nobody reads at Information; the lifetime lines are kept.</summary>
    private static readonly Dictionary<string, LogEventLevel> QuietNamespaces = new()
    {
        ["Microsoft.AspNetCore"] = LogEventLevel.Warning,
        ["Microsoft.Extensions.Http"] = LogEventLevel.Warning,
        ["System.Net.Http"] = LogEventLevel.Warning,
        ["Polly"] = LogEventLevel.Warning,
        ["Microsoft.Hosting.Lifetime"] = LogEventLevel.Information,
    };

    /// <summary>Serilog: JSON lines in a container (or LOG_FORMAT=json), text otherwise, written off the request thread in batches.</summary>
    internal static void AddVotingLogging(this WebApplicationBuilder builder, ServiceIdentity identity)
    {
        var json = string.Equals(builder.Configuration["LOG_FORMAT"], "json", StringComparison.OrdinalIgnoreCase)
            || (builder.Configuration["LOG_FORMAT"] is null
                && string.Equals(builder.Configuration["DOTNET_RUNNING_IN_CONTAINER"], "true", StringComparison.OrdinalIgnoreCase));
        var problems = new List<string>();
        var (minimum, overrides) = ReadLevels(builder.Configuration, problems);
        builder.Services.ReportOnStart(problems);

        builder.Services.AddSerilog((services, logger) =>
        {
            logger.MinimumLevel.Is(minimum);
            foreach (var (name, level) in overrides)
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

    /// <summary>Logging__LogLevel__X and Serilog__MinimumLevel__*, read here: Serilog's ReadFrom.Configuration needs reflection Native AOT lacks.</summary>
    private static (LogEventLevel Minimum, Dictionary<string, LogEventLevel> Overrides) ReadLevels(IConfiguration configuration, List<string> problems)
    {
        var minimum = LogEventLevel.Information;
        var overrides = new Dictionary<string, LogEventLevel>(QuietNamespaces, StringComparer.Ordinal);
        var serilog = configuration.GetSection("Serilog:MinimumLevel");
        (IConfigurationSection Setting, bool IsDefault)[] settings =
        [
            .. configuration.GetSection("Logging:LogLevel").GetChildren().Select(child => (child, child.Key == "Default")),
            (serilog, true),
            (serilog.GetSection("Default"), true),
            .. serilog.GetSection("Override").GetChildren().Select(child => (child, false)),
        ];
        foreach (var (setting, isDefault) in settings)
        {
            if (setting.Value is null) continue;
            if (!TryParseLevel(setting.Value, out var level))
            {
                problems.Add($"{setting.Path.Replace(":", "__", StringComparison.Ordinal)}='{setting.Value}' is not a log level " +
                             "(Trace, Debug, Information, Warning, Error, Critical or None; or Serilog's Verbose and Fatal).");
            }
            else if (isDefault) minimum = level;
            else overrides[setting.Key] = level;
        }

        // Serilog's request logging middleware logs under its own name: it gets the level of the request log's category.
        overrides[RequestLogging.MiddlewareCategory] = overrides
            .Where(entry => RequestLogging.Category == entry.Key || RequestLogging.Category.StartsWith(entry.Key + ".", StringComparison.Ordinal))
            .OrderByDescending(entry => entry.Key.Length).Select(entry => entry.Value).DefaultIfEmpty(minimum).First();
        return (minimum, overrides);
    }

    /// <summary>Both vocabularies: Microsoft's (Trace … Critical, None) and Serilog's (Verbose, Fatal).</summary>
    private static bool TryParseLevel(string text, out LogEventLevel level)
    {
        (var known, level) = text.Trim().ToLowerInvariant() switch
        {
            "trace" or "verbose" => (true, LogEventLevel.Verbose),
            "debug" => (true, LogEventLevel.Debug),
            "information" => (true, LogEventLevel.Information),
            "warning" => (true, LogEventLevel.Warning),
            "error" => (true, LogEventLevel.Error),
            "critical" or "fatal" => (true, LogEventLevel.Fatal),
            "none" => (true, LogEventLevel.Fatal + 1), // above Fatal: nothing of that namespace is written
            _ => (false, default),
        };
        return known;
    }
}
