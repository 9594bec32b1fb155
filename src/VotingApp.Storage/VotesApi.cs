using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;
using VotingApp.Storage.Stores;

namespace VotingApp.Storage;

/// <summary>The storage HTTP API: read the counts, add a vote, reset, and say which store is used.</summary>
public static partial class VotesApi
{
    public static void MapVotesApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").WithTags("Votes");
        api.MapGet("/votes", GetCounts).WithName("GetCounts")
            .WithSummary("The count of every option, in the configured order, from one read of the store.");
        api.MapPost("/votes", AddVote).WithName("AddVote")
            .WithSummary("Counts one vote for an option and returns the option's new count. With an Idempotency-Key " +
                         "header, the key is counted once: a repeat answers the first result (repeated: true) and counts " +
                         "nothing, the same key for another option is refused (409). 503: nothing was counted (the store is down or " +
                         "full); 504: the store did not confirm it in time and may have counted it, so send it again only with the same key.");
        api.MapPost("/votes/batch", AddVotes).WithName("AddVotes")
            .WithSummary("Counts several votes, each with its token as POST /api/votes with an Idempotency-Key, and answers " +
                         "each vote's outcome: status (200, 400, 409, 503 or 504 as POST /api/votes would), count, repeated, detail. " +
                         "When the store failed every vote, the answer is that 503 or 504 itself.");
        api.MapDelete("/votes", Reset).WithName("ResetVotes")
            .WithSummary("Sets every count back to zero.");
        api.MapGet("/store", GetStore).WithName("GetStore")
            .WithSummary("Which kind of database keeps the votes: redis, mysql or sqlite.");
    }

    private static async Task<Results<Ok<StoredCounts>, ProblemHttpResult>> GetCounts(
        VoteStore store, IOptions<Ballot> ballot, ILogger<VoteStore> logger, CancellationToken cancellationToken)
    {
        try
        {
            var counts = await store.GetCountsAsync(ballot.Value.All, cancellationToken);
            return TypedResults.Ok(new StoredCounts(store.Kind, counts));
        }
        catch (StoreUnavailableException e)
        {
            return Unavailable(logger, store, e, "read the counts");
        }
    }

    private static async Task<Results<Ok<VoteRecorded>, ProblemHttpResult>> AddVote(
        VoteRequest? request, [FromHeader(Name = VoteToken.Header)] string? token, VoteStore store, IOptions<Ballot> ballot,
        StorageMetrics metrics, ILogger<VoteStore> logger)
    {
        var counted = await CountAsync(request?.Option, token, store, ballot.Value, metrics, logger);
        return counted.Recorded is { } recorded
            ? TypedResults.Ok(recorded)
            : TypedResults.Problem(statusCode: counted.Status, title: counted.Title, detail: counted.Detail);
    }

    /// <summary>
    /// Each vote as POST /api/votes counts it (its token required), with an outcome per vote. When the store
    /// failed every one of them, the whole answer is that failure, as for one vote: the mesh's retries and the
    /// success rate of a storage canary see it (docs/http.md, "Votes sent together").
    /// </summary>
    private static async Task<Results<Ok<BatchedVoteResult[]>, ProblemHttpResult>> AddVotes(
        BatchedVote[]? votes, VoteStore store, IOptions<Ballot> ballot, StorageMetrics metrics, ILogger<VoteStore> logger)
    {
        if (votes is not { Length: > 0 })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No votes",
                detail: "Send a JSON array of votes, each with an option and a token.");
        }

        // Each vote checked as one would be; the ones that pass go to the store together.
        var counted = new Counted[votes.Length];
        var options = new string[votes.Length];
        var sent = new List<int>(votes.Length);
        for (var i = 0; i < votes.Length; i++)
        {
            if (votes[i]?.Token is null) counted[i] = MissingBatchToken(logger);
            else if (Refused(votes[i].Option, votes[i].Token, BatchTokenName, ballot.Value, logger, out options[i]) is { } refused) counted[i] = refused;
            else sent.Add(i);
        }

        if (sent.Count > 0)
        {
            // Not tied to the request's cancellation, as for one vote (CountAsync).
            var stored = await store.AddVotesAsync([.. sent.Select(i => (options[i], votes[i].Token!))], CancellationToken.None);
            for (var j = 0; j < sent.Count; j++)
            {
                counted[sent[j]] = stored[j] is { Vote: { } vote }
                    ? Stored(options[sent[j]], vote, store, metrics, logger)
                    : NotStored(stored[j].Failure!, store, metrics, logger);
            }
        }

        if (counted.All(vote => vote.Status is StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout))
        {
            // A 504 if any vote may have been counted: the mesh sends 503s again (docs/http.md, "Retries").
            var failed = counted.MaxBy(vote => vote.Status);
            return TypedResults.Problem(statusCode: failed.Status, title: failed.Title, detail: failed.Detail);
        }

        // Each vote's x-request-id, so that a vote's id found in the app's log is found here too.
        LogBatch(logger, counted.Count(vote => vote.Recorded is { Repeated: false }), votes.Length,
            string.Join(", ", votes.Select(vote => vote?.RequestId is { } id && RequestIdFilter.IsAcceptable(id) ? id : "-")));
        return TypedResults.Ok(counted.Select(vote => vote.Recorded is { } recorded
            ? new BatchedVoteResult(StatusCodes.Status200OK, recorded.Count, recorded.Repeated)
            : new BatchedVoteResult(vote.Status, Title: vote.Title, Detail: vote.Detail)).ToArray());
    }

    /// <summary>What became of one vote: 200 and its record, or the status, title and detail of the problem.</summary>
    private readonly record struct Counted(int Status, VoteRecorded? Recorded, string? Title = null, string? Detail = null);

    private const string HeaderTokenName = "The " + VoteToken.Header + " header";
    private const string BatchTokenName = "A vote's token";

    /// <summary>A vote sent together without its token: refused, as it could not be counted once when sent again.</summary>
    private static Counted MissingBatchToken(ILogger logger)
    {
        LogRejected(logger, "sent together without a token");
        return new(StatusCodes.Status400BadRequest, null, "Missing vote token",
            $"Each vote sent together needs a token ({VoteToken.Rule}), as its {VoteToken.Header} when sent alone.");
    }

    private static async Task<Counted> CountAsync(string? requested, string? token, VoteStore store, Ballot ballot,
        StorageMetrics metrics, ILogger logger)
    {
        if (Refused(requested, token, HeaderTokenName, ballot, logger, out var option) is { } refused) return refused;
        try
        {
            // Not tied to the request's cancellation: once sent, a vote either completes or fails, so that
            // a caller that gave up is never told "not counted" about a vote the store then counted.
            return Stored(option, await store.AddVoteAsync(option, token, CancellationToken.None), store, metrics, logger);
        }
        catch (StoreUnavailableException e)
        {
            return NotStored(e, store, metrics, logger);
        }
    }

    /// <summary>A vote refused before the store sees it (a malformed token, an unknown option), or null and the ballot's spelling of its option.</summary>
    /// <param name="tokenName">Where the token came from, for the caller: the header or a batch's field.</param>
    private static Counted? Refused(string? requested, string? token, string tokenName, Ballot ballot, ILogger logger, out string option)
    {
        option = "";
        if (token is not null && !VoteToken.IsWellFormed(token))
        {
            LogRejected(logger, $"malformed {VoteToken.Header}");
            return new(StatusCodes.Status400BadRequest, null, "Malformed vote token", $"{tokenName} must be {VoteToken.Rule}.");
        }

        if (ballot.Find(requested) is not { } found)
        {
            var shown = Shorten(requested);
            LogRejected(logger, $"unknown option '{shown}'");
            return new(StatusCodes.Status400BadRequest, null, "Unknown option",
                $"'{shown}' is not an option. Vote for one of: {string.Join(", ", ballot.All)}.");
        }

        option = found;
        return null;
    }

    /// <summary>The store's answer to a vote: counted (or repeated), or 409 when its token was spent on the other option.</summary>
    private static Counted Stored(string option, StoredVote vote, VoteStore store, StorageMetrics metrics, ILogger logger)
    {
        if (vote.Option != option)
        {
            // The token was spent on the other option: nothing changes, and the caller learns which it was.
            LogTokenConflict(logger, option, vote.Option);
            return new(StatusCodes.Status409Conflict, null, "Vote token already used",
                $"This vote token was already used for a vote for {vote.Option}; nothing was counted for {option}.");
        }

        if (!vote.Repeated)
        {
            metrics.Recorded(store.Kind, option);
            // Only a write says the store has room: a full Redis still answers a repeat (a read).
            StoreRoomLog.Room(logger, store);
        }

        return new(StatusCodes.Status200OK, new VoteRecorded(option, vote.Count, store.Kind, vote.Repeated));
    }

    /// <summary>The store failed the vote: 504 when it may have been counted all the same, else 503.</summary>
    private static Counted NotStored(StoreUnavailableException e, VoteStore store, StorageMetrics metrics, ILogger logger)
    {
        metrics.Failed(store.Kind);
        if (e.MayHaveApplied)
        {
            // 504, not 503: the mesh sends 503s again, and this vote may have been counted (docs/http.md, "Retries").
            LogUnavailable(logger, "count the vote", e.Message);
            return new(StatusCodes.Status504GatewayTimeout, null, VoteOutcome.NotConfirmed,
                $"The vote may have been counted: the store did not confirm it. Send it again only with the same {VoteToken.Header}, which is counted once.");
        }

        return new(StatusCodes.Status503ServiceUnavailable, null, VoteOutcome.NotCounted, UnavailableDetail(logger, store, e, "count the vote"));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Reset(VoteStore store, ILogger<VoteStore> logger)
    {
        try
        {
            await store.ResetAsync(CancellationToken.None);
            LogReset(logger, store.Kind);
            return TypedResults.NoContent();
        }
        catch (StoreUnavailableException e)
        {
            return Unavailable(logger, store, e, "reset the votes");
        }
    }

    private static Ok<StoreInfo> GetStore(VoteStore store, ServiceIdentity identity) =>
        TypedResults.Ok(new StoreInfo(store.Kind, identity.Name, identity.Version));

    /// <summary>503: nothing was changed. A full store is logged once (<see cref="StoreRoomLog"/>), not per request.</summary>
    private static ProblemHttpResult Unavailable(ILogger logger, VoteStore store, StoreUnavailableException e, string action) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Store unavailable",
            detail: UnavailableDetail(logger, store, e, action));

    /// <summary>Logs why the store failed; what the caller is told. The database's own message (host, port, user, pool state) goes to the log only.</summary>
    private static string UnavailableDetail(ILogger logger, VoteStore store, StoreUnavailableException e, string action)
    {
        if (e.Full) StoreRoomLog.Full(logger, store, e);
        else LogUnavailable(logger, action, e.Message);
        return e.Full ? $"Could not {action}: the store is full; nothing changed." : $"Could not {action}: the store is unavailable. Please try again.";
    }

    /// <summary>Echoes at most a short, printable prefix of what the caller sent.</summary>
    private static string Shorten(string? value) =>
        value is null ? "" : new string(value.Take(Ballot.MaxLength).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    [LoggerMessage(LogLevel.Warning, "Vote rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Warning, "Refused a vote for {Option}: its token was already used for {First}")]
    private static partial void LogTokenConflict(ILogger logger, string option, string first);

    [LoggerMessage(LogLevel.Information, "Counted {Counted} of {Votes} votes sent together (x-request-id {RequestIds})")]
    private static partial void LogBatch(ILogger logger, int counted, int votes, string requestIds);

    [LoggerMessage(LogLevel.Information, "Votes reset in {Store}")]
    private static partial void LogReset(ILogger logger, string store);

    [LoggerMessage(LogLevel.Error, "Could not {Action}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string action, string reason);
}
