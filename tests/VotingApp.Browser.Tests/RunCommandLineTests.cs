using System.Net;
using System.Net.Sockets;
using VotingApp.Testing;

namespace VotingApp.Browser.Tests;

/// <summary>What the run command does before it starts anything: its help, and a port already taken.</summary>
public sealed class RunCommandLineTests
{
    [Fact]
    public async Task Help_prints_the_settings_and_starts_nothing()
    {
        var result = await ChildProcess.RunAsync("dotnet", AppHostCommand.Arguments("--help"), TimeSpan.FromMinutes(3),
            AppHostCommand.Environment(FreePort.Next(), Path.Combine(Path.GetTempPath(), "unused.db")));

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var setting in new[] { "APP_PORT", "APP_VERSION", "ANALYTICS_VERSION", "STORAGE_VERSION", "REDIS_HOST", "MYSQL_HOST", "SQLITE_PATH" })
        {
            Assert.Contains(setting, result.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Distributed application starting", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_stops_the_command_at_once_naming_the_port_and_how_to_choose_another()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;

        var result = await ChildProcess.RunAsync("dotnet", AppHostCommand.Arguments(), TimeSpan.FromMinutes(3),
            AppHostCommand.Environment(port, Path.Combine(Path.GetTempPath(), "unused.db")));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"port {port} (APP_PORT, the voting page) is already in use", result.Error, StringComparison.Ordinal);
        Assert.Contains($"APP_PORT={port + 1} dotnet run --project src/VotingApp.AppHost", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Distributed application starting", result.Output, StringComparison.Ordinal);
    }
}
