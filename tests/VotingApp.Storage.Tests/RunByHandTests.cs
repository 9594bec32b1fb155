using System.Net;
using System.Net.Sockets;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

/// <summary>
/// `dotnet run --project src/VotingApp.Storage` as a developer runs it by hand: the launch profile gives
/// defaults only, so what the environment says wins, and where it listens is checked like every other setting.
/// </summary>
public class RunByHandTests
{
    [Theory]
    [InlineData("VOTING_VERSION", "3.0", "VOTING_VERSION='3.0' is not a version of voting-storage. Allowed: 1.0, 2.0.")]
    [InlineData("ASPNETCORE_HTTP_PORTS", "99999", "ASPNETCORE_HTTP_PORTS='99999' is not a port number (1-65535)")]
    [InlineData("ASPNETCORE_HTTP_PORTS", "abc", "ASPNETCORE_HTTP_PORTS='abc' is not a port number (1-65535)")]
    [InlineData("REDIS_PORT", "abc", "REDIS_PORT='abc' is not a port number (1-65535).")]
    public async Task The_environment_wins_over_the_launch_profile_and_a_bad_value_stops_storage_in_one_line(string key, string value, string expected)
    {
        var environment = new Dictionary<string, string?> { ["ASPNETCORE_HTTP_PORTS"] = FreePort.Next().ToString(), [key] = value };

        var result = await ServiceProcess.RunByHandAsync(ServiceCatalog.Storage, environment);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"voting-storage: configuration error: {expected}", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_stops_storage_naming_it()
    {
        using var other = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        other.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        other.Listen();
        var port = ((IPEndPoint)other.LocalEndPoint!).Port;

        var result = await ServiceProcess.RunByHandAsync(ServiceCatalog.Storage, new Dictionary<string, string?> { ["ASPNETCORE_HTTP_PORTS"] = port.ToString() });

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"voting-storage: configuration error: ASPNETCORE_HTTP_PORTS={port}: port {port} is already in use by another program", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configuration_error_is_printed_once()
    {
        var result = await ServiceProcess.RunByHandAsync(ServiceCatalog.Storage,
            new Dictionary<string, string?> { ["ASPNETCORE_HTTP_PORTS"] = FreePort.Next().ToString(), ["VOTING_VERSION"] = "3.0" });

        Assert.Equal(2, result.ExitCode);
        var all = result.Output + result.Error;
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(all, "VOTING_VERSION='3.0' is not a version"));
    }
}
