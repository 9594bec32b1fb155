using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using VotingApp.ServiceDefaults;

namespace VotingApp.AppHost;

/// <summary>
/// The loopback ports of the local run: the ones it needs that another program already holds, found before
/// anything starts (otherwise the run waits for a service that cannot bind, and the page's URL would be
/// the other program's), and free ones for the services that are not on a well-known port.
/// </summary>
public static class LocalPorts
{
    /// <summary>The dashboard's URLs (from the launch profile), by the setting that chooses each.</summary>
    private static readonly string[] DashboardSettings =
        ["ASPNETCORE_URLS", "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"];

    /// <summary>One problem per port in use, naming the setting and how to choose another.</summary>
    public static IEnumerable<string> InUse(LocalRunPlan plan, IConfiguration configuration)
    {
        if (ListenSettings.IsInUse("localhost", plan.AppPort))
        {
            yield return $"port {plan.AppPort} (APP_PORT, the voting page) is already in use by another program: stop it, " +
                         $"or choose another port, e.g. APP_PORT={(plan.AppPort == 65535 ? 8081 : plan.AppPort + 1)} dotnet run --project src/VotingApp.AppHost";
        }

        foreach (var setting in DashboardSettings)
        {
            var urls = configuration[setting]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
            foreach (var url in urls)
            {
                if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback && ListenSettings.IsInUse("localhost", uri.Port))
                {
                    yield return $"port {uri.Port} ({setting}={url}, the Aspire dashboard) is already in use: another AppHost is probably " +
                                 "running (stop it with Ctrl+C), or set the dashboard's ports as docs/running-locally.md shows.";
                }
            }
        }
    }

    /// <summary>A port that nothing listens on now, chosen by the system.</summary>
    public static int Free()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
