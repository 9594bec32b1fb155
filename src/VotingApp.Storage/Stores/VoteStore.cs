using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.Storage.Stores;

/// <summary>
/// Keeps one counter per option. The store is prepared (schema made, server answered once) by the warm-up
/// alone (<see cref="VoteStoreRegistration"/>); until then every operation fails with the reason of its last try.
/// A store that cannot be reached raises <see cref="StoreUnavailableException"/> instead of the driver's own
/// exception, so that the API can answer 503 with a clear reason.
/// </summary>
public abstract class VoteStore
{
    /// <summary>The latest try to prepare the store (null before the first); a request waits for one still under way.</summary>
    private Task? _preparing;

    /// <summary>"redis", "mysql" or "sqlite": what storage reports as the store the votes went to.</summary>
    public abstract string Kind { get; }

    /// <summary>Where the store is, for log and error messages (never the password).</summary>
    public abstract string Location { get; }

    public bool IsPrepared => _preparing is { IsCompletedSuccessfully: true };

    /// <summary>How long a vote token is remembered: a repeat within it is answered, not counted again.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(30);

    private int _full;

    /// <summary>Notes that the store was found full; true the first time (the one to log).</summary>
    public bool MarkFull() => Interlocked.Exchange(ref _full, 1) == 0;

    /// <summary>Notes that the store took a write; true the first time after it was full.</summary>
    public bool MarkRoom() => Volatile.Read(ref _full) == 1 && Interlocked.Exchange(ref _full, 0) == 1;

    /// <summary>One try to prepare the store, the warm-up's step: null once it is prepared, else why not.</summary>
    internal async Task<string?> TryPrepareAsync(CancellationToken cancellationToken)
    {
        try
        {
            await (IsPrepared ? Task.CompletedTask : _preparing = GuardAsync(() => PrepareAsync(cancellationToken)));
            return null;
        }
        catch (StoreUnavailableException e)
        {
            return e.Message;
        }
    }

    private Task EnsurePreparedAsync() => _preparing
        ?? Task.FromException(new StoreUnavailableException(Kind, Location, "it is not prepared yet", new InvalidOperationException("The preparer has not tried yet.")));

    /// <summary>Concurrent reads of the same options share one read of this store that starts after each of them arrived (docs/http.md, "Shared reads").</summary>
    private readonly SharedReads<string, (IReadOnlyDictionary<string, long>? Counts, StoreUnavailableException? Failure)> _reads = new();

    /// <summary>The counts of <paramref name="options"/>, in that order; 0 for an option never voted for.</summary>
    public async Task<IReadOnlyList<VoteCount>> GetCountsAsync(IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        await EnsurePreparedAsync();
        var (counts, failure) = await _reads.ReadAsync(string.Join('\n', options), () => ReadSharedAsync(options)).WaitAsync(cancellationToken);
        // Each waiter throws its own exception: one exception object thrown by many requests at once would share its stack trace.
        if (failure is not null) throw new StoreUnavailableException(failure.Kind, Location, failure.Reason, failure.InnerException ?? failure, failure.Full);
        return options.Select(option => new VoteCount(option, counts!.GetValueOrDefault(option))).ToList();
    }

    /// <summary>One read, bounded by the driver's own timeouts, not by the request that started it: others may wait for it.</summary>
    private async Task<(IReadOnlyDictionary<string, long>?, StoreUnavailableException?)> ReadSharedAsync(IReadOnlyList<string> options)
    {
        try
        {
            return (await GuardAsync(() => ReadCountsAsync(options, CancellationToken.None)), null);
        }
        catch (StoreUnavailableException e)
        {
            return (null, e);
        }
    }

    /// <summary>
    /// Adds one vote atomically and returns the option's new count. With a <paramref name="token"/>, the
    /// token is recorded in the same atomic step as the increment, and a token seen before (and not yet
    /// expired) counts nothing: the answer is the first vote's option and count, marked repeated.
    /// </summary>
    public async Task<StoredVote> AddVoteAsync(string option, string? token, CancellationToken cancellationToken)
    {
        await EnsurePreparedAsync();
        return token is null
            ? new StoredVote(option, await GuardAsync(() => IncrementAsync(option, cancellationToken), write: true), Repeated: false)
            : await GuardAsync(() => IncrementOnceAsync(option, token, DateTimeOffset.UtcNow, cancellationToken), write: true);
    }

    /// <summary>
    /// Adds several votes, each with its token, as <see cref="AddVoteAsync"/> adds each one: per vote, in order,
    /// what was stored or why the store failed it (docs/http.md, "Votes sent together").
    /// </summary>
    public async Task<IReadOnlyList<(StoredVote? Vote, StoreUnavailableException? Failure)>> AddVotesAsync(
        IReadOnlyList<(string Option, string Token)> votes, CancellationToken cancellationToken)
    {
        try
        {
            await EnsurePreparedAsync();
        }
        catch (StoreUnavailableException e)
        {
            return AllFailed(votes, e);
        }

        return await IncrementEachOnceAsync(votes, DateTimeOffset.UtcNow, cancellationToken);
    }

    /// <summary>Every vote of a batch failed by the same failure of the store.</summary>
    protected static IReadOnlyList<(StoredVote? Vote, StoreUnavailableException? Failure)> AllFailed(
        IReadOnlyList<(string Option, string Token)> votes, StoreUnavailableException failure) =>
        [.. votes.Select(_ => ((StoredVote?)null, (StoreUnavailableException?)failure))];

    /// <summary>Each vote in a step of its own, side by side; a store that counts them all in one atomic step overrides this.</summary>
    protected virtual async Task<IReadOnlyList<(StoredVote? Vote, StoreUnavailableException? Failure)>> IncrementEachOnceAsync(
        IReadOnlyList<(string Option, string Token)> votes, DateTimeOffset now, CancellationToken cancellationToken) =>
        await Task.WhenAll(votes.Select(async vote =>
        {
            try
            {
                return ((StoredVote?)await GuardAsync(() => IncrementOnceAsync(vote.Option, vote.Token, now, cancellationToken), write: true), (StoreUnavailableException?)null);
            }
            catch (StoreUnavailableException e)
            {
                return (null, e);
            }
        }));

    /// <summary>Deletes the tokens that expired (the stores that do not expire them by themselves); returns how many.</summary>
    public async Task<long> PurgeExpiredTokensAsync(CancellationToken cancellationToken)
    {
        await EnsurePreparedAsync();
        return await GuardAsync(() => DeleteExpiredTokensAsync(DateTimeOffset.UtcNow, cancellationToken));
    }

    /// <summary>Sets every count back to zero.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await EnsurePreparedAsync();
        await GuardAsync(() => ClearAsync(cancellationToken));
    }

    /// <summary>One cheap round trip to the server that fails while it cannot take a vote, for readiness.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await EnsurePreparedAsync();
        await GuardAsync(() => PingCoreAsync(cancellationToken));
    }

    protected abstract Task PrepareAsync(CancellationToken cancellationToken);
    protected abstract Task<IReadOnlyDictionary<string, long>> ReadCountsAsync(IReadOnlyList<string> options, CancellationToken cancellationToken);
    protected abstract Task<long> IncrementAsync(string option, CancellationToken cancellationToken);
    protected abstract Task<StoredVote> IncrementOnceAsync(string option, string token, DateTimeOffset now, CancellationToken cancellationToken);
    protected abstract Task<long> DeleteExpiredTokensAsync(DateTimeOffset now, CancellationToken cancellationToken);
    protected abstract Task ClearAsync(CancellationToken cancellationToken);
    protected abstract Task PingCoreAsync(CancellationToken cancellationToken);

    /// <summary>True for the driver's exceptions that mean "the server cannot be used right now".</summary>
    protected abstract bool IsUnavailable(Exception exception);

    /// <summary>True for the driver's exceptions that mean "the store is full" (it refused the write and changed nothing).</summary>
    protected abstract bool IsFull(Exception exception);

    /// <summary>True for the failures after which a write may have been applied all the same (no answer in time, a lost connection).</summary>
    protected abstract bool MayHaveApplied(Exception exception);

    /// <summary>What went wrong, for the 503 and the log: the driver's message, or a clearer one the store knows.</summary>
    protected virtual string Explain(Exception exception) => exception.Message;

    protected async Task<T> GuardAsync<T>(Func<Task<T>> operation, bool write = false)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (e is TimeoutException || IsUnavailable(e))
        {
            throw new StoreUnavailableException(Kind, Location, Explain(e), e, full: IsFull(e))
            {
                MayHaveApplied = write && (e is TimeoutException || MayHaveApplied(e)),
            };
        }
    }

    private Task GuardAsync(Func<Task> operation) => GuardAsync(async () =>
    {
        await operation();
        return true;
    });
}

/// <summary>A vote as the store keeps it: the option, its count after the vote, and whether it was a repeat.</summary>
public sealed record StoredVote(string Option, long Count, bool Repeated);
