using VotingApp.Testing;

namespace VotingApp.App.Tests;

/// <summary>The app in memory, configured with operator-style settings.</summary>
public static class AppFactory
{
    /// <summary>
    /// App 1.0 with analytics and storage on a loopback port where nothing listens (what a voter sees when both
    /// are down; bad input is refused before any call), with <paramref name="extra"/> settings on top.
    /// </summary>
    public static InMemoryService<Program> WithUpstreamsDown(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["VOTING_VERSION"] = "1.0",
            ["ANALYTICS_HOST"] = "127.0.0.1",
            ["ANALYTICS_PORT"] = FreePort.Dead.ToString(),
            ["STORAGE_HOST"] = "127.0.0.1",
            ["STORAGE_PORT"] = FreePort.Dead.ToString(),
        };
        foreach (var (key, value) in extra) settings[key] = value;
        return new InMemoryService<Program>(settings);
    }
}
