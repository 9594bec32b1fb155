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
    public async Task<VoteRecorded> AddVoteAsync(HttpContext context, string option, string? token)
    {
        if (token is null) return await SendVoteAsync(context, option, token, CancellationToken.None);

        var started = TimeProvider.System.GetTimestamp();
        var reachedStorage = false;
        try
        {
            using var firstTry = new CancellationTokenSource(FirstTryTimeout);
            return await SendVoteAsync(context, option, token, firstTry.Token);
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
            return await SendVoteAsync(context, option, token, retry.Token);
        }
        catch (VoteNotConfirmedException e) when (reachedStorage && !e.MayHaveBeenCounted)
        {
            throw new VoteNotConfirmedException(e.Reason, mayHaveBeenCounted: true, e);
        }
    }

    private async Task<VoteRecorded> SendVoteAsync(HttpContext context, string option, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/votes")
        {
            Content = JsonContent.Create(new VoteRequest(option), VotingJsonContext.Default.VoteRequest),
        };
        if (token is not null) request.Headers.Add(VoteToken.Header, token);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            VersionChain.RecordUpstream(context, response);
            if (response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                throw new VoteTokenUsedException(await UpstreamUnavailableException.DescribeAsync(response));
            }

            if (!response.IsSuccessStatusCode)
            {
                // Storage answered: a 503 may come after its database took the vote but the answer was lost.
                throw new VoteNotConfirmedException(await UpstreamUnavailableException.DescribeAsync(response), mayHaveBeenCounted: true);
            }

            return await response.Content.ReadFromJsonAsync(VotingJsonContext.Default.VoteRecorded, CancellationToken.None)
                ?? throw new VoteNotConfirmedException("it answered with an empty body", mayHaveBeenCounted: true);
        }
        catch (Exception e) when (UpstreamUnavailableException.IsCallFailure(e) || e is OperationCanceledException)
        {
            var reason = e is OperationCanceledException ? $"no answer within {UpstreamHttpClients.TotalTimeout.TotalSeconds:0} s" : e.Message;
            throw new VoteNotConfirmedException(reason, mayHaveBeenCounted: !NeverSent(e), e);
        }
    }

    /// <summary>The connection was refused: the vote never reached storage, so it certainly was not counted.</summary>
    private static bool NeverSent(Exception e) =>
        e is HttpRequestException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } };

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
