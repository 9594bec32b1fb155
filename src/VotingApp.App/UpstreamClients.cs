using Microsoft.Extensions.Options;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.App;

public static class UpstreamClients
{
    /// <summary>Analytics is read (retried once); storage is written (one try): docs/http.md, "Retries".</summary>
    public static void AddUpstreamClients(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedSettings<AnalyticsServiceSettings>(settings => settings.Problems()).Bind(builder.Configuration);
        builder.Services.AddValidatedSettings<StorageServiceSettings>(settings => settings.Problems()).Bind(builder.Configuration);
        builder.Services.AddSingleton<SharedReads<string, UpstreamAnswer<AnalyticsResult>>>();
        builder.Services.AddReadClient<AnalyticsClient>(provider =>
            provider.GetRequiredService<IOptions<AnalyticsServiceSettings>>().Value.BaseAddress);
        builder.Services.AddSingleton<VoteQueue>();
        builder.Services.AddWriteClient<StorageClient>(provider =>
            provider.GetRequiredService<IOptions<StorageServiceSettings>>().Value.BaseAddress);
        // Ready once both upstreams have answered through these very clients (Warmup): the first visitor
        // after a rollout gets results, not "Results are unavailable".
        builder.Services.AddWarmupCall(ServiceCatalog.Analytics.Name, async (provider, cancellationToken) =>
            (await provider.GetRequiredService<AnalyticsClient>().WarmUpAsync(cancellationToken)).Failure);
        builder.Services.AddWarmupCall(ServiceCatalog.Storage.Name, (provider, cancellationToken) =>
            provider.GetRequiredService<StorageClient>().WarmUpAsync(cancellationToken));
    }
}
