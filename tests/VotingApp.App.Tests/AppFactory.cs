using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using VotingApp.Testing;

namespace VotingApp.App.Tests;

/// <summary>The app in memory (WebApplicationFactory), configured with operator-style settings.</summary>
public sealed class AppFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>
    /// App 1.0 with analytics and storage on a loopback port where nothing listens (what a voter sees when both
    /// are down; bad input is refused before any call), with <paramref name="extra"/> settings on top.
    /// </summary>
    public static AppFactory WithUpstreamsDown(params (string Key, string? Value)[] extra)
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
        return new AppFactory(settings);
    }

    public HttpClient CreateNonRedirectingClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
}
