using System.Net;
using System.Text.Json;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.App;

/// <summary>What became of a vote sent to storage.</summary>
public enum VoteResult
{
    Counted,

    /// <summary>The vote's token was already counted for the other option (409 from storage); nothing changed.</summary>
    TokenUsed,

    /// <summary>Certainly not counted: the connection was refused, or storage itself said so.</summary>
    NotCounted,

    /// <summary>No answer said it was counted, and it may have been.</summary>
    NotConfirmed,
}

/// <param name="Reason">Why it was not counted, for the log; null when it was.</param>
/// <param name="Chain">The x-voting-chain storage reported.</param>
public sealed record VoteAnswer(VoteResult Result, string? Reason, string? Chain);

/// <summary>
/// Sends votes and resets to storage, one try each (<see cref="UpstreamClients"/>). Every vote carries an
/// Idempotency-Key: the page's token, or for a vote without one (a script's plain POST) a key made here
/// before it is sent, so that storage counts it once however often a hop sends it again.
/// </summary>
public sealed class StorageClient(HttpClient http, ServiceIdentity identity)
{
    public async Task<VoteAnswer> AddVoteAsync(string option, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/votes")
        {
            // With a Content-Length: JsonContent goes chunked, its last chunk in a second packet that storage waits for.
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new VoteRequest(option), VotingJsonContext.Default.VoteRequest))
            {
                Headers = { ContentType = new("application/json") { CharSet = "utf-8" } },
            },
        }.WithTrack(identity, []);
        request.Headers.Add(VoteToken.Header, token ?? VoteToken.New());
        // Not cancelled with the voter's request: a vote already sent is seen through to its answer.
        var answer = await http.SendAsync(request, ServiceCatalog.Storage, VotingJsonContext.Default.VoteRecorded, CancellationToken.None);
        return answer.Failure switch
        {
            null => new(VoteResult.Counted, null, answer.Chain),
            { Status: HttpStatusCode.Conflict } used => new(VoteResult.TokenUsed, used.Reason, answer.Chain),
            // Any other failure (a 503 from a proxy between, a reset, no answer in time) may have come after the store counted it.
            { } failure => new(IsCertainlyNotCounted(failure) ? VoteResult.NotCounted : VoteResult.NotConfirmed,
                $"{failure.Service} is unavailable: {(failure.TimedOut ? $"no answer within {UpstreamHttpClients.TotalTimeout.TotalSeconds:0} s" : failure.Reason)}",
                answer.Chain),
        };
    }

    private static bool IsCertainlyNotCounted(UpstreamFailure failure) =>
        failure.NeverSent || (failure.Status == HttpStatusCode.ServiceUnavailable && failure.ProblemTitle == VoteOutcome.NotCounted);

    public async Task<UpstreamAnswer> ResetAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/api/votes").WithTrack(identity, []);
        // Not cancelled with the voter's request: a reset already sent is seen through to its answer.
        return await http.SendAsync(request, ServiceCatalog.Storage, CancellationToken.None);
    }

    /// <summary>
    /// A harmless read (GET /api/store) through the same pooled client the votes use, for the start-up
    /// warm-up: it opens the connection and runs the pipeline.
    /// </summary>
    public async Task<UpstreamFailure?> WarmUpAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/store").WithTrack(identity, []);
        return (await http.SendAsync(request, ServiceCatalog.Storage, cancellationToken)).Failure;
    }
}
