using System.Net;
using Polly.Timeout;
using Microsoft.Extensions.Options;
using VotingApp.ServiceDefaults;

namespace VotingApp.App;

/// <summary>Reads the results from analytics (safe to retry once); failures are the client's handler's (UpstreamCallHandler).</summary>
public sealed class AnalyticsClient(HttpClient http)
{
    public async Task<AnalyticsResult> GetResultsAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync("/analytics", VotingJsonContext.Default.AnalyticsResult, cancellationToken)
        ?? throw new UpstreamUnavailableException(VotingService.Analytics.Name, "it answered with an empty body");
}

/// <summary>
/// Sends votes and resets to storage, one try each (<see cref="UpstreamHttpClients.AddWriteClient{TClient}"/>).
/// Every vote carries an Idempotency-Key: the page's token, or for a vote without one (a script's plain POST) a
/// key made here before it is sent, so that storage counts it once however often a hop sends it again.
/// </summary>
public sealed class VoteWriter(HttpClient http)
{
    /// <summary>
    /// Counts the vote; throws <see cref="VoteTokenUsedException"/> when the token was spent on the other
    /// option, <see cref="VoteNotConfirmedException"/> when no answer said it was counted.
    /// </summary>
    public async Task<VoteRecorded> AddVoteAsync(string option, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/votes")
        {
            Content = JsonContent.Create(new VoteRequest(option), VotingJsonContext.Default.VoteRequest),
        };
        request.Headers.Add(VoteToken.Header, token ?? VoteToken.New());
        try
        {
            // Not cancelled with the voter's request: a vote already sent is seen through to its answer.
            using var response = await http.SendAsync(request, CancellationToken.None);
            return await response.Content.ReadFromJsonAsync(VotingJsonContext.Default.VoteRecorded, CancellationToken.None)
                ?? throw new VoteNotConfirmedException("it answered with an empty body", mayHaveBeenCounted: true);
        }
        catch (UpstreamUnavailableException e) when (e.Status == HttpStatusCode.Conflict)
        {
            throw new VoteTokenUsedException(e.Reason);
        }
        catch (UpstreamUnavailableException e)
        {
            // Certainly nothing counted: the connection was refused, or storage itself said so. Any other failure
            // (a 503 from a proxy between, a reset, no answer in time) may have come after the store counted it.
            var notCounted = e.NeverSent || (e.Status == HttpStatusCode.ServiceUnavailable && e.ProblemTitle == VoteOutcome.NotCounted);
            var reason = e.InnerException is TimeoutRejectedException ? $"no answer within {UpstreamHttpClients.TotalTimeout.TotalSeconds:0} s" : e.Reason;
            throw new VoteNotConfirmedException(reason, mayHaveBeenCounted: !notCounted, e);
        }
    }

    public async Task ResetAsync()
    {
        // Not cancelled with the voter's request: a reset already sent is seen through to its answer.
        using var response = await http.DeleteAsync("/api/votes");
    }

    /// <summary>
    /// A harmless read (GET /api/store) through the same pooled client the votes use, for the start-up
    /// warm-up: it opens the connection and runs the pipeline, and fails while storage cannot answer.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("/api/store", cancellationToken);
    }
}

/// <summary>No answer said the vote was counted; <see cref="MayHaveBeenCounted"/> unless it never reached storage.</summary>
public sealed class VoteNotConfirmedException(string reason, bool mayHaveBeenCounted, Exception? inner = null)
    : Exception($"{VotingService.Storage.Name} is unavailable: {reason}", inner)
{
    public string Reason { get; } = reason;
    public bool MayHaveBeenCounted { get; } = mayHaveBeenCounted;
}

/// <summary>The vote's token was already counted for the other option (409 from storage); nothing changed.</summary>
public sealed class VoteTokenUsedException(string detail) : Exception(detail);

public static class UpstreamClientRegistration
{
    public static void AddUpstreamClients(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedSettings<AnalyticsServiceSettings>(settings => settings.Problems()).Bind(builder.Configuration);
        builder.Services.AddValidatedSettings<StorageServiceSettings>(settings => settings.Problems()).Bind(builder.Configuration);
        builder.Services.AddReadClient<AnalyticsClient>(VotingService.Analytics, provider =>
            provider.GetRequiredService<IOptions<AnalyticsServiceSettings>>().Value.BaseAddress);
        builder.Services.AddWriteClient<VoteWriter>(VotingService.Storage, provider =>
            provider.GetRequiredService<IOptions<StorageServiceSettings>>().Value.BaseAddress);
        // Ready once both upstreams have answered through these very clients (Warmup): the first visitor
        // after a rollout gets results, not "Results are unavailable".
        builder.Services.AddWarmupCall(VotingService.Analytics.Name, (provider, cancellationToken) =>
            provider.GetRequiredService<AnalyticsClient>().GetResultsAsync(cancellationToken));
        builder.Services.AddWarmupCall(VotingService.Storage.Name, (provider, cancellationToken) =>
            provider.GetRequiredService<VoteWriter>().WarmUpAsync(cancellationToken));
    }
}
