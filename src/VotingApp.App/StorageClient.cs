using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.HeaderPropagation;
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
public sealed class StorageClient(HttpClient http, ServiceIdentity identity, VoteQueue queue, HeaderPropagationValues forwarded)
{
    /// <summary>
    /// Sends the vote alone, or with the others that wait meanwhile (<see cref="VoteQueue"/>), each with its
    /// x-request-id: a batch's header carries only its first vote's.
    /// </summary>
    public Task<VoteAnswer> AddVoteAsync(string option, string? token) =>
        queue.AddAsync(this, new BatchedVote(option, token ?? VoteToken.New(), RequestId()));

    private string? RequestId() =>
        forwarded.Headers is { } headers && headers.TryGetValue(RequestIdFilter.Header, out var id) && id.Count == 1 ? id[0] : null;

    /// <summary>One vote as POST /api/votes.</summary>
    internal async Task<VoteAnswer> SendAsync(BatchedVote vote)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/votes")
        {
            // With a Content-Length: JsonContent goes chunked, its last chunk in a second packet that storage waits for.
            Content = Json(JsonSerializer.SerializeToUtf8Bytes(new VoteRequest(vote.Option), VotingJsonContext.Default.VoteRequest)),
        }.WithTrack(identity, []);
        request.Headers.Add(VoteToken.Header, vote.Token);
        // Not cancelled with the voter's request: a vote already sent is seen through to its answer.
        var answer = await http.SendAsync(request, ServiceCatalog.Storage, VotingJsonContext.Default.VoteRecorded, CancellationToken.None);
        return answer.Failure is { } failure ? Failed(failure, answer.Chain) : new(VoteResult.Counted, null, answer.Chain);
    }

    /// <summary>Several votes as POST /api/votes/batch: each gets its own outcome, or all the batch's failure.</summary>
    internal async Task<IReadOnlyList<VoteAnswer>> SendBatchAsync(IReadOnlyList<VoteQueue.Waiting> batch)
    {
        var body = new byte[batch.Sum(vote => vote.Json.Length + 1) + 1];
        body[0] = (byte)'[';
        var at = 1;
        foreach (var vote in batch)
        {
            vote.Json.CopyTo(body, at);
            at += vote.Json.Length;
            body[at++] = (byte)',';
        }

        body[^1] = (byte)']';
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/votes/batch") { Content = Json(body) }.WithTrack(identity, []);
        var answer = await http.SendAsync(request, ServiceCatalog.Storage, VotingJsonContext.Default.BatchedVoteResultArray, CancellationToken.None);
        if (answer.Failure is { } failure) return [.. batch.Select(_ => Failed(failure, answer.Chain))];
        if (answer.Value is not { } results || results.Length != batch.Count)
        {
            return [.. batch.Select(_ => new VoteAnswer(VoteResult.NotConfirmed, $"{ServiceCatalog.Storage.Name} answered {answer.Value?.Length ?? 0} outcomes for {batch.Count} votes", answer.Chain))];
        }

        // Each vote's outcome read as one vote's answer would be.
        return [.. results.Select(result => result.Status == StatusCodes.Status200OK
            ? new VoteAnswer(VoteResult.Counted, null, answer.Chain)
            : Failed(new(ServiceCatalog.Storage.Name, $"{result.Status} {result.Detail}")
            {
                Status = (HttpStatusCode)result.Status,
                ProblemTitle = result.Title,
            }, answer.Chain))];
    }

    private static ByteArrayContent Json(byte[] body) =>
        new(body) { Headers = { ContentType = new("application/json") { CharSet = "utf-8" } } };

    private static VoteAnswer Failed(UpstreamFailure failure, string? chain) => failure switch
    {
        { Status: HttpStatusCode.Conflict } used => new(VoteResult.TokenUsed, used.Reason, chain),
        // Any other failure (a 503 from a proxy between, a reset, no answer in time) may have come after the store counted it.
        _ => new(IsCertainlyNotCounted(failure) ? VoteResult.NotCounted : VoteResult.NotConfirmed,
            $"{failure.Service} is unavailable: {(failure.TimedOut ? $"no answer within {UpstreamHttpClients.TotalTimeout.TotalSeconds:0} s" : failure.Reason)}",
            chain),
    };

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
