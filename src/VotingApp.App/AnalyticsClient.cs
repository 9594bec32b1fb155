using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.App;

/// <summary>Reads the results from analytics, as this app version's track; a read is retried once (<see cref="UpstreamClients"/>).</summary>
public sealed class AnalyticsClient(HttpClient http, ServiceIdentity identity)
{
    public async Task<UpstreamAnswer<AnalyticsResult>> GetResultsAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/analytics").WithTrack(identity, []);
        return await http.SendAsync(request, ServiceCatalog.Analytics, VotingJsonContext.Default.AnalyticsResult, cancellationToken);
    }
}
