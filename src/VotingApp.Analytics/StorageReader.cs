using VotingApp.ServiceDefaults;

namespace VotingApp.Analytics;

/// <summary>Reads both counts from storage in one call; failures are the client's handler's (UpstreamCallHandler).</summary>
public sealed class StorageReader(HttpClient http)
{
    public async Task<StoredCounts> GetCountsAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync("/api/votes", VotingJsonContext.Default.StoredCounts, cancellationToken) is { Options.Count: >= 2 } counts
            ? counts
            : throw new UpstreamUnavailableException(VotingService.Storage.Name, "it answered without two options' counts");
}

public static class StorageReaderRegistration
{
    public static void AddStorageReader(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedSettings<StorageServiceSettings>(settings => settings.Problems()).Bind(builder.Configuration);
        builder.Services.AddReadClient<StorageReader>(VotingService.Storage, provider =>
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageServiceSettings>>().Value.BaseAddress);
        // Ready once storage has answered a real read through this very client (Warmup).
        builder.Services.AddWarmupCall(VotingService.Storage.Name, (provider, cancellationToken) =>
            provider.GetRequiredService<StorageReader>().GetCountsAsync(cancellationToken));
    }
}
