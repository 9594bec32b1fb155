using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using VotingApp.ServiceDefaults;

namespace VotingApp.App;

/// <summary>Reads the results from analytics (safe to retry once).</summary>
public sealed class AnalyticsClient(HttpClient http)
{
    public async Task<AnalyticsResult> GetResultsAsync(HttpContext context, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/analytics", cancellationToken);
            VersionChain.RecordUpstream(context, response);
            if (!response.IsSuccessStatusCode)
            {
                throw new UpstreamUnavailableException(VotingService.Analytics.Name, await UpstreamUnavailableException.DescribeAsync(response));
            }

            return await response.Content.ReadFromJsonAsync(VotingJsonContext.Default.AnalyticsResult, cancellationToken)
                ?? throw new UpstreamUnavailableException(VotingService.Analytics.Name, "it answered with an empty body");
        }
        catch (Exception e) when (UpstreamUnavailableException.IsCallFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamUnavailableException(VotingService.Analytics.Name, e.Message, e);
        }
    }
}

/// <summary>Sends votes and resets to storage: never retried, so a vote is counted at most once.</summary>
public sealed class VoteWriter(HttpClient http)
{
    public Task AddVoteAsync(HttpContext context, string option) =>
        SendAsync(context, new HttpRequestMessage(HttpMethod.Post, "/api/votes")
        {
            Content = JsonContent.Create(new VoteRequest(option), VotingJsonContext.Default.VoteRequest),
        });

    public Task ResetAsync(HttpContext context) => SendAsync(context, new HttpRequestMessage(HttpMethod.Delete, "/api/votes"));

    /// <summary>
    /// A harmless read (GET /api/store) through the same pooled client the votes use, for the start-up
    /// warm-up: it opens the connection and runs the pipeline, and fails while storage cannot answer.
    /// </summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) =>
        SendAsync(new DefaultHttpContext(), new HttpRequestMessage(HttpMethod.Get, "/api/store"), cancellationToken);

    private async Task SendAsync(HttpContext context, HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        try
        {
            // Not cancelled with the voter's request: a vote already sent is seen through to its answer.
            using (request)
            using (var response = await http.SendAsync(request, cancellationToken))
            {
                VersionChain.RecordUpstream(context, response);
                if (!response.IsSuccessStatusCode)
                {
                    throw new UpstreamUnavailableException(VotingService.Storage.Name, await UpstreamUnavailableException.DescribeAsync(response));
                }
            }
        }
        catch (Exception e) when (UpstreamUnavailableException.IsCallFailure(e))
        {
            throw new UpstreamUnavailableException(VotingService.Storage.Name, e.Message, e);
        }
    }
}

public static class UpstreamClientRegistration
{
    public static void AddUpstreamClients(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedSettings<AnalyticsServiceSettings>(settings => settings.Problems()).Bind(builder.Configuration);
        builder.Services.AddValidatedSettings<StorageServiceSettings>(settings => settings.Problems()).Bind(builder.Configuration);
        builder.Services.AddReadClient<AnalyticsClient>(provider =>
            provider.GetRequiredService<IOptions<AnalyticsServiceSettings>>().Value.BaseAddress);
        builder.Services.AddWriteClient<VoteWriter>(provider =>
            provider.GetRequiredService<IOptions<StorageServiceSettings>>().Value.BaseAddress);
        // Ready once both upstreams have answered through these very clients (Warmup): the first visitor
        // after a rollout gets results, not "Results are unavailable".
        builder.Services.AddWarmupCall(VotingService.Analytics.Name, (provider, cancellationToken) =>
            provider.GetRequiredService<AnalyticsClient>().GetResultsAsync(new DefaultHttpContext(), cancellationToken));
        builder.Services.AddWarmupCall(VotingService.Storage.Name, (provider, cancellationToken) =>
            provider.GetRequiredService<VoteWriter>().WarmUpAsync(cancellationToken));
    }
}
