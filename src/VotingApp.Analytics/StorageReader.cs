using System.Net.Http.Json;
using VotingApp.ServiceDefaults;

namespace VotingApp.Analytics;

/// <summary>Reads both counts from storage in one call.</summary>
public sealed class StorageReader(HttpClient http)
{
    public async Task<StoredCounts> GetCountsAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/api/votes", cancellationToken);
            VersionChain.RecordUpstream(context, response);
            if (!response.IsSuccessStatusCode)
            {
                throw new UpstreamUnavailableException(VotingService.Storage.Name, await UpstreamUnavailableException.DescribeAsync(response));
            }

            var counts = await response.Content.ReadFromJsonAsync(VotingJsonContext.Default.StoredCounts, cancellationToken);
            return counts is { Options.Count: >= 2 }
                ? counts
                : throw new UpstreamUnavailableException(VotingService.Storage.Name, "it answered without two options' counts");
        }
        catch (Exception e) when (UpstreamUnavailableException.IsCallFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamUnavailableException(VotingService.Storage.Name, e.Message, e);
        }
    }
}

public static class StorageReaderRegistration
{
    public static void AddStorageReader(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedSettings<StorageServiceSettings>(settings => settings.Problems()).Bind(builder.Configuration);
        builder.Services.AddReadClient<StorageReader>(provider =>
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageServiceSettings>>().Value.BaseAddress);
        // Ready once storage has answered a real read through this very client (Warmup).
        builder.Services.AddWarmupCall(VotingService.Storage.Name, (provider, cancellationToken) =>
            provider.GetRequiredService<StorageReader>().GetCountsAsync(new DefaultHttpContext(), cancellationToken));
    }
}
