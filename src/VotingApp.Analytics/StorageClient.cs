using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.Analytics;

/// <summary>
/// Reads both counts from storage in one call, on the track of the request served; a read is retried once.
/// Concurrent requests of one track share a read that starts after each of them arrived (docs/http.md, "Shared reads").
/// </summary>
public sealed class StorageClient(HttpClient http, ServiceIdentity identity, SharedReads<string, UpstreamAnswer<StoredCounts>> shared)
{
    public Task<UpstreamAnswer<StoredCounts>> GetCountsAsync(StringValues track, CancellationToken cancellationToken)
    {
        // Keyed by the track sent on, which decides the storage the mesh routes to: two tracks never share a read.
        var sent = VotingTrack.ToSend(identity.Service, identity.Version, track);
        return shared.ReadAsync(sent ?? "", ServiceCatalog.Storage, () => ReadAsync(sent, CancellationToken.None), cancellationToken);
    }

    /// <summary>The warm-up's read (no track), not shared: a request arriving meanwhile must not wait behind it (Warmup).</summary>
    public Task<UpstreamAnswer<StoredCounts>> WarmUpAsync(CancellationToken cancellationToken) => ReadAsync(null, cancellationToken);

    /// <summary>One call, bounded by the client itself; a shared one is not cancelled by the request that started it: others may wait for it.</summary>
    private async Task<UpstreamAnswer<StoredCounts>> ReadAsync(string? track, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/votes").WithTrack(identity, [track]);
        var answer = await http.SendAsync(request, ServiceCatalog.Storage, VotingJsonContext.Default.StoredCounts, cancellationToken);
        return answer.Value is { Options.Count: < 2 }
            ? answer with { Value = null, Failure = new(ServiceCatalog.Storage.Name, "it answered without two options' counts") }
            : answer;
    }
}

public static class StorageClientRegistration
{
    public static void AddStorageClient(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedSettings<StorageServiceSettings>(settings => settings.Problems()).Bind(builder.Configuration);
        builder.Services.AddSingleton<SharedReads<string, UpstreamAnswer<StoredCounts>>>();
        builder.Services.AddReadClient<StorageClient>(provider => provider.GetRequiredService<IOptions<StorageServiceSettings>>().Value.BaseAddress);
        // Ready once storage has answered a real read through this very client (Warmup).
        builder.Services.AddWarmupCall(ServiceCatalog.Storage.Name, async (provider, cancellationToken) =>
            (await provider.GetRequiredService<StorageClient>().WarmUpAsync(cancellationToken)).Failure);
    }
}
