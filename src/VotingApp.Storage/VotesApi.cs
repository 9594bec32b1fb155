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
        StorageMetrics metrics, ILogger<VoteStore> logger, CancellationToken cancellationToken)
    {
        if (token is not null && !VoteToken.IsWellFormed(token))
        {
            LogRejected(logger, $"malformed {VoteToken.Header}");
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Malformed vote token",
                detail: $"The {VoteToken.Header} header must be {VoteToken.Rule}.");
        }

        var option = ballot.Value.Find(request?.Option);
        if (option is null)
        {
            var shown = Shorten(request?.Option);
            LogRejected(logger, shown);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Unknown option",
                detail: $"'{shown}' is not an option. Vote for one of: {string.Join(", ", ballot.Value.All)}.");
        }

        try
        {
            // Not tied to the request's cancellation: once sent, a vote either completes or fails, so that
            // a caller that gave up is never told "not counted" about a vote the store then counted.
            var vote = await store.AddVoteAsync(option, token, CancellationToken.None);
            if (vote.Option != option)
            {
                // The token was spent on the other option: nothing changes, and the caller learns which it was.
                LogTokenConflict(logger, option, vote.Option);
                return TypedResults.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    title: "Vote token already used",
                    detail: $"This vote token was already used for a vote for {vote.Option}; nothing was counted for {option}.");
            }

            if (!vote.Repeated) metrics.Recorded(store.Kind, option);
            StoreRoomLog.Room(logger, store);
            return TypedResults.Ok(new VoteRecorded(option, vote.Count, store.Kind, vote.Repeated));
        }
        catch (StoreUnavailableException e) when (e.MayHaveApplied)
        {
            // 504, not 503: the mesh sends 503s again, and this vote may have been counted (docs/http.md, "Retries").
            metrics.Failed(store.Kind);
            LogUnavailable(logger, "count the vote", e.Message);
            return TypedResults.Problem(
                statusCode: StatusCodes.Status504GatewayTimeout,
                title: VoteOutcome.NotConfirmed,
                detail: $"The vote may have been counted: the store did not confirm it. Send it again only with the same {VoteToken.Header}, which is counted once.");
        }
        catch (StoreUnavailableException e)
        {
            metrics.Failed(store.Kind);
            return Unavailable(logger, store, e, "count the vote", VoteOutcome.NotCounted);
        }
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
    private static ProblemHttpResult Unavailable(ILogger logger, VoteStore store, StoreUnavailableException e, string action,
        string title = "Store unavailable")
    {
        if (e.Full) StoreRoomLog.Full(logger, store, e);
        else LogUnavailable(logger, action, e.Message);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: title,
            // The database's own message (host, port, user, pool state) goes to the log only.
            detail: e.Full ? $"Could not {action}: the store is full; nothing changed." : $"Could not {action}: the store is unavailable. Please try again.");
    }

    /// <summary>Echoes at most a short, printable prefix of what the caller sent.</summary>
    private static string Shorten(string? value) =>
        value is null ? "" : new string(value.Take(Ballot.MaxLength).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    [LoggerMessage(LogLevel.Warning, "Rejected a vote for unknown option '{Option}'")]
    private static partial void LogRejected(ILogger logger, string option);

    [LoggerMessage(LogLevel.Warning, "Refused a vote for {Option}: its token was already used for {First}")]
    private static partial void LogTokenConflict(ILogger logger, string option, string first);

    [LoggerMessage(LogLevel.Information, "Votes reset in {Store}")]
    private static partial void LogReset(ILogger logger, string store);

    [LoggerMessage(LogLevel.Error, "Could not {Action}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string action, string reason);
}
