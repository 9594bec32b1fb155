using System.Text.Json;
using System.Text.Json.Serialization;

namespace VotingApp.Contracts;

// The JSON that the services exchange. Kept in one place so that a change to the storage API and to its
// callers is one change.

/// <summary>One option and how many votes it has.</summary>
public sealed record VoteCount(string Name, long Count);

/// <summary>GET /api/votes on storage: the counts of every option, in the configured order.</summary>
public sealed record StoredCounts(string Store, IReadOnlyList<VoteCount> Options);

/// <summary>POST /api/votes on storage.</summary>
public sealed record VoteRequest(string? Option);

/// <summary>
/// One vote of POST /api/votes/batch: the votes an app had waiting while its last one was on its way.
/// <paramref name="RequestId"/>: the x-request-id the vote came with, which the batch's own header cannot carry.
/// </summary>
public sealed record BatchedVote(string? Option, string? Token,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RequestId = null);

/// <summary>What became of one vote of a batch: what POST /api/votes would have answered, its problem's title and detail when not 200.</summary>
public sealed record BatchedVoteResult(int Status, long Count = 0, bool Repeated = false, string? Title = null, string? Detail = null);

/// <summary>
/// The answer to a counted vote: the option's new count. <paramref name="Repeated"/>: the vote's token had
/// been counted before, and this is that first answer again (nothing was counted now).
/// </summary>
public sealed record VoteRecorded(string Option, long Count, string Store, bool Repeated = false);

/// <summary>GET /api/store on storage: which kind of database keeps the votes.</summary>
public sealed record StoreInfo(string Store, string Service, string Version);

/// <summary>GET /analytics, compatible with the original sample (store is an addition).</summary>
public sealed record AnalyticsResult(VoteCount Category1, VoteCount Category2, string Text, string Store);

/// <summary>What a caller reads of another service's problem-details answer (RFC 9457): why, in its words.</summary>
public sealed record ProblemAnswer(string? Title, string? Detail);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(StoredCounts))]
[JsonSerializable(typeof(VoteRequest))]
[JsonSerializable(typeof(BatchedVote))]
[JsonSerializable(typeof(BatchedVote[]))]
[JsonSerializable(typeof(BatchedVoteResult[]))]
[JsonSerializable(typeof(VoteRecorded))]
[JsonSerializable(typeof(StoreInfo))]
[JsonSerializable(typeof(AnalyticsResult))]
[JsonSerializable(typeof(ProblemAnswer))]
public sealed partial class VotingJsonContext : JsonSerializerContext;
