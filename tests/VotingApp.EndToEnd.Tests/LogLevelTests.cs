using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// The log levels operators set through configuration change what a service logs, in both usual forms:
/// ASP.NET Core's Logging__LogLevel__* and Serilog's Serilog__MinimumLevel__* (Default and Override), read
/// in code because the Native AOT services have no reflection-based Serilog settings. Checked on the real
/// process, whose whole log is read after it stopped on SIGTERM (which flushes it).
/// </summary>
public class LogLevelTests
{
    private const string Marker = "Vote rejected: unknown option 'Birds'";

    /// <summary>ASP.NET Core's own "Request starting" line is Information, below the default Warning of Microsoft.AspNetCore.</summary>
    [Theory]
    [InlineData(null, false)]
    [InlineData("Logging__LogLevel__Microsoft.AspNetCore", true)]
    [InlineData("Serilog__MinimumLevel__Override__Microsoft.AspNetCore", true)]
    public async Task A_namespace_can_be_made_more_verbose(string? variable, bool logged)
    {
        var environment = new Dictionary<string, string?>();
        if (variable is not null) environment[variable] = "Information";
        var output = await RunAppAsync(environment);
        Assert.Equal(logged, output.Contains("Request starting HTTP/1.1 GET", StringComparison.Ordinal));
    }

    /// <summary>The start-up line ("voting-app 1.0 started on …") is Information.</summary>
    [Theory]
    [InlineData(null, null, true)]
    [InlineData("Logging__LogLevel__Default", "Warning", false)]
    [InlineData("Serilog__MinimumLevel__Default", "Warning", false)]
    [InlineData("Serilog__MinimumLevel", "Warning", false)]
    [InlineData("Logging__LogLevel__VotingApp.Startup", "Error", false)]
    [InlineData("Serilog__MinimumLevel__Override__VotingApp.Startup", "None", false)]
    public async Task The_default_or_a_category_can_be_made_quieter(string? variable, string? level, bool logged)
    {
        var environment = new Dictionary<string, string?>();
        if (variable is not null) environment[variable] = level;
        var output = await RunAppAsync(environment);
        Assert.Equal(logged, output.Contains("voting-app 1.0 started on", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Logging__LogLevel__Default", "Loud")]
    [InlineData("Serilog__MinimumLevel__Override__Polly", "Quiet")]
    public Task A_value_that_is_not_a_level_stops_the_service_naming_it(string variable, string value) =>
        ServiceProcess.AssertRefusesToStartAsync(ServiceCatalog.App, "1.0", variable, value, $"{variable}='{value}' is not a log level");

    /// <summary>Starts the app alone, sends it a request and a rejected vote (a Warning), stops it, returns its log.</summary>
    private static async Task<string> RunAppAsync(Dictionary<string, string?> environment)
    {
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", environment);
        using (var client = app.CreateClient())
        {
            (await client.GetAsync("/health/live")).Dispose();
            Assert.Equal(400, await VotingPageReader.VoteAsync(client, "Birds"));
        }

        Assert.True(await app.TerminateAsync(TimeSpan.FromSeconds(15)), $"the app did not stop on SIGTERM:\n{app.Output}");
        Assert.Contains(Marker, app.Output);
        return app.Output;
    }
}
