using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.Analytics;

/// <summary>Reads both counts from storage in one call, on the track of the request served; a read is retried once.</summary>
public sealed class StorageClient(HttpClient http, ServiceIdentity identity)
{
    public async Task<UpstreamAnswer<StoredCounts>> GetCountsAsync(StringValues track, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/votes").WithTrack(identity, track);
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
        builder.Services.AddReadClient<StorageClient>(provider => provider.GetRequiredService<IOptions<StorageServiceSettings>>().Value.BaseAddress);
        // Ready once storage has answered a real read through this very client (Warmup).
        builder.Services.AddWarmupCall(ServiceCatalog.Storage.Name, async (provider, cancellationToken) =>
            (await provider.GetRequiredService<StorageClient>().GetCountsAsync(StringValues.Empty, cancellationToken)).Failure);
    }
}
