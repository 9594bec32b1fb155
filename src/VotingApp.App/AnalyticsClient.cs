using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.App;

/// <summary>
/// Reads the results from analytics, as this app version's track; a read is retried once (<see cref="UpstreamClients"/>).
/// Concurrent pages share a read that starts after each of them arrived, keyed by the track sent (docs/http.md, "Shared reads").
/// </summary>
public sealed class AnalyticsClient(HttpClient http, ServiceIdentity identity, SharedReads<string, UpstreamAnswer<AnalyticsResult>> shared)
{
    public Task<UpstreamAnswer<AnalyticsResult>> GetResultsAsync(CancellationToken cancellationToken)
    {
        // The track decides which analytics (and storage) the mesh routes to: two tracks never share a read.
        var track = VotingTrack.ToSend(identity.Service, identity.Version, []) ?? "";
        return shared.ReadAsync(track, ServiceCatalog.Analytics, () => ReadAsync(CancellationToken.None), cancellationToken);
    }

    /// <summary>The warm-up's read, not shared: a page arriving meanwhile must not wait behind it (Warmup).</summary>
    public Task<UpstreamAnswer<AnalyticsResult>> WarmUpAsync(CancellationToken cancellationToken) => ReadAsync(cancellationToken);

    /// <summary>One call, bounded by the client itself; a shared one is not cancelled by the page that started it: others may wait for it.</summary>
    private async Task<UpstreamAnswer<AnalyticsResult>> ReadAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/analytics").WithTrack(identity, []);
        return await http.SendAsync(request, ServiceCatalog.Analytics, VotingJsonContext.Default.AnalyticsResult, cancellationToken);
    }
}
