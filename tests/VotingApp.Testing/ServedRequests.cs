using System.Globalization;

namespace VotingApp.Testing;

/// <summary>How many requests a service has answered on a route, from its own Prometheus metrics: counted where they arrive.</summary>
public static class ServedRequests
{
    /// <summary>How many <paramref name="method"/> <paramref name="route"/> requests the service has answered.</summary>
    public static async Task<long> CountAsync(HttpClient service, string route, string method = "GET")
    {
        var metrics = await service.GetStringAsync("/metrics");
        return metrics.Split('\n')
            .Where(line => line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
                           && line.Contains($"http_route=\"{route}\"", StringComparison.Ordinal)
                           && line.Contains($"http_request_method=\"{method}\"", StringComparison.Ordinal))
            .Sum(line => long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// How many more such requests than <paramref name="before"/> the service has answered. The exporter serves a
    /// scrape again for 300 ms: an answer still equal to <paramref name="before"/> is that copy, and the first
    /// that differs was taken after the requests the caller made since.
    /// </summary>
    public static async Task<long> SinceAsync(HttpClient service, string route, long before, string method = "GET") =>
        await Eventually.UntilAsync($"a fresh scrape of {method} {route}", () => CountAsync(service, route, method),
            served => served > before, LoadedMachine.Slack) - before;
}
