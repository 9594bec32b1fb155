using Serilog.Events;

namespace VotingApp.ServiceDefaults;

/// <summary>Logging__LogLevel__X and Serilog__MinimumLevel__*, read here: Serilog's ReadFrom.Configuration needs reflection Native AOT lacks.</summary>
public sealed class LogLevelSettings
{
    /// <summary>Framework chatter that nobody reads at Information; the lifetime lines are kept.</summary>
    private static readonly (string Namespace, LogEventLevel Level)[] Defaults =
    [
        ("Microsoft.AspNetCore", LogEventLevel.Warning),
        ("Microsoft.Extensions.Http", LogEventLevel.Warning),
        ("System.Net.Http", LogEventLevel.Warning),
        ("Polly", LogEventLevel.Warning),
        ("Microsoft.Hosting.Lifetime", LogEventLevel.Information),
    ];

    /// <summary>"None": above Fatal, so that nothing of that namespace is written.</summary>
    public const LogEventLevel Off = LogEventLevel.Fatal + 1;

    private readonly Dictionary<string, LogEventLevel> _overrides = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];

    public LogEventLevel Default { get; private set; } = LogEventLevel.Information;

    /// <summary>Namespace (or category) prefix → minimum level.</summary>
    public IReadOnlyDictionary<string, LogEventLevel> Overrides => _overrides;

    /// <summary>Values that are not a level, each naming its setting.</summary>
    public IReadOnlyList<string> Problems => _problems;

    public static LogLevelSettings Read(IConfiguration configuration)
    {
        var settings = new LogLevelSettings();
        foreach (var (name, level) in Defaults) settings._overrides[name] = level;
        var serilog = configuration.GetSection("Serilog:MinimumLevel");
        foreach (var child in configuration.GetSection("Logging:LogLevel").GetChildren()) settings.Apply(child, isDefault: child.Key == "Default");
        settings.Apply(serilog, isDefault: true);
        settings.Apply(serilog.GetSection("Default"), isDefault: true);
        foreach (var child in serilog.GetSection("Override").GetChildren()) settings.Apply(child, isDefault: false);
        settings._overrides[RequestLogging.MiddlewareCategory] = settings.LevelOf(RequestLogging.Category);
        return settings;
    }

    /// <summary>The level Serilog applies to <paramref name="category"/>: its longest override, else the default.</summary>
    private LogEventLevel LevelOf(string category) => _overrides
        .Where(entry => category == entry.Key || category.StartsWith(entry.Key + ".", StringComparison.Ordinal))
        .OrderByDescending(entry => entry.Key.Length).Select(entry => entry.Value).DefaultIfEmpty(Default).First();

    private void Apply(IConfigurationSection setting, bool isDefault)
    {
        if (setting.Value is null) return;
        if (!TryParse(setting.Value, out var level))
        {
            _problems.Add($"{setting.Path.Replace(":", "__", StringComparison.Ordinal)}='{setting.Value}' is not a log level " +
                          "(Trace, Debug, Information, Warning, Error, Critical or None; or Serilog's Verbose and Fatal).");
            return;
        }

        if (isDefault) Default = level;
        else _overrides[setting.Key] = level;
    }

    public static bool TryParse(string text, out LogEventLevel level)
    {
        (var known, level) = text.Trim().ToLowerInvariant() switch
        {
            "trace" or "verbose" => (true, LogEventLevel.Verbose),
            "debug" => (true, LogEventLevel.Debug),
            "information" => (true, LogEventLevel.Information),
            "warning" => (true, LogEventLevel.Warning),
            "error" => (true, LogEventLevel.Error),
            "critical" or "fatal" => (true, LogEventLevel.Fatal),
            "none" => (true, Off),
            _ => (false, default),
        };
        return known;
    }
}
