using System.Net;
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
/// Sends votes and resets to storage. A vote with a token (from the page's form) is safe to repeat, since
/// storage counts a token once: it is sent again once when its answer was lost, within the same 2 s bound.
/// A vote without a token (a script's plain POST) is never repeated, so it is counted at most once.
/// </summary>
public sealed class VoteWriter(HttpClient http)
{
    /// <summary>The first try of a tokened vote; the retry gets what is left of <see cref="UpstreamHttpClients.TotalTimeout"/>.</summary>
    public static readonly TimeSpan FirstTryTimeout = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Counts the vote; throws <see cref="VoteTokenUsedException"/> when the token was spent on the other
    /// option, <see cref="VoteNotConfirmedException"/> when no answer said it was counted.
    /// </summary>
    public async Task<VoteRecorded> AddVoteAsync(string option, string? token)
    {
        if (token is null) return await SendVoteAsync(option, token, CancellationToken.None);

        var started = TimeProvider.System.GetTimestamp();
        bool reachedStorage;
        try
        {
            using var firstTry = new CancellationTokenSource(FirstTryTimeout);
            return await SendVoteAsync(option, token, firstTry.Token);
        }
        catch (VoteNotConfirmedException e)
        {
            reachedStorage = e.MayHaveBeenCounted;
        }

        await Task.Delay(RetryPause);
        var left = UpstreamHttpClients.TotalTimeout - TimeProvider.System.GetElapsedTime(started);
        using var retry = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
        try
        {
            return await SendVoteAsync(option, token, retry.Token);
        }
        catch (VoteNotConfirmedException e) when (reachedStorage && !e.MayHaveBeenCounted)
        {
            throw new VoteNotConfirmedException(e.Reason, mayHaveBeenCounted: true, e);
        }
    }

    private async Task<VoteRecorded> SendVoteAsync(string option, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/votes")
        {
            Content = JsonContent.Create(new VoteRequest(option), VotingJsonContext.Default.VoteRequest),
        };
        if (token is not null) request.Headers.Add(VoteToken.Header, token);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return await response.Content.ReadFromJsonAsync(VotingJsonContext.Default.VoteRecorded, CancellationToken.None)
                ?? throw new VoteNotConfirmedException("it answered with an empty body", mayHaveBeenCounted: true);
        }
        catch (UpstreamUnavailableException e) when (e.Status == HttpStatusCode.Conflict)
        {
            throw new VoteTokenUsedException(e.Reason);
        }
        catch (UpstreamUnavailableException e)
        {
            // Storage answered (a 503 may come after its database took the vote but the answer was lost), or
            // the call failed after it may have arrived; only a refused connection certainly counted nothing.
            throw new VoteNotConfirmedException(e.Reason, mayHaveBeenCounted: e.Status is not null || !e.NeverSent, e);
        }
        catch (OperationCanceledException e)
        {
            throw new VoteNotConfirmedException($"no answer within {UpstreamHttpClients.TotalTimeout.TotalSeconds:0} s", mayHaveBeenCounted: true, e);
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
