using VotingApp.ServiceDefaults;

namespace VotingApp.Storage.Stores;

/// <summary>
/// Keeps one counter per option. Every operation first makes sure the store is prepared (schema made,
/// server answered once); a store that cannot be reached raises <see cref="StoreUnavailableException"/>
/// instead of the driver's own exception, so that the API can answer 503 with a clear reason.
/// </summary>
public abstract class VoteStore
{
    private readonly SemaphoreSlim _prepareGate = new(1, 1);
    private volatile bool _prepared;

    /// <summary>"redis", "mysql" or "sqlite": what storage reports as the store the votes went to.</summary>
    public abstract string Kind { get; }

    /// <summary>Where the store is, for log and error messages (never the password).</summary>
    public abstract string Location { get; }

    public bool IsPrepared => _prepared;

    public async Task EnsurePreparedAsync(CancellationToken cancellationToken)
    {
        if (_prepared) return;
        await _prepareGate.WaitAsync(cancellationToken);
        try
        {
            if (!_prepared)
            {
                await GuardAsync(() => PrepareAsync(cancellationToken));
                _prepared = true;
            }
        }
        finally
        {
            _prepareGate.Release();
        }
    }

    /// <summary>The counts of <paramref name="options"/>, in that order; 0 for an option never voted for.</summary>
    public async Task<IReadOnlyList<VoteCount>> GetCountsAsync(IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        await EnsurePreparedAsync(cancellationToken);
        var counts = await GuardAsync(() => ReadCountsAsync(options, cancellationToken));
        return options.Select(option => new VoteCount(option, counts.GetValueOrDefault(option))).ToList();
    }

    /// <summary>Adds one vote atomically and returns the option's new count.</summary>
    public async Task<long> AddVoteAsync(string option, CancellationToken cancellationToken)
    {
        await EnsurePreparedAsync(cancellationToken);
        return await GuardAsync(() => IncrementAsync(option, cancellationToken));
    }

    /// <summary>Sets every count back to zero.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken)
    {
        await EnsurePreparedAsync(cancellationToken);
        await GuardAsync(() => ClearAsync(cancellationToken));
    }

    /// <summary>One cheap round trip to the server, for readiness.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await EnsurePreparedAsync(cancellationToken);
        await GuardAsync(() => PingCoreAsync(cancellationToken));
    }

    protected abstract Task PrepareAsync(CancellationToken cancellationToken);
    protected abstract Task<IReadOnlyDictionary<string, long>> ReadCountsAsync(IReadOnlyList<string> options, CancellationToken cancellationToken);
    protected abstract Task<long> IncrementAsync(string option, CancellationToken cancellationToken);
    protected abstract Task ClearAsync(CancellationToken cancellationToken);
    protected abstract Task PingCoreAsync(CancellationToken cancellationToken);

    /// <summary>True for the driver's exceptions that mean "the server cannot be used right now".</summary>
    protected abstract bool IsUnavailable(Exception exception);

    private async Task<T> GuardAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (e is TimeoutException || IsUnavailable(e))
        {
            throw new StoreUnavailableException(Kind, Location, e);
        }
    }

    private Task GuardAsync(Func<Task> operation) => GuardAsync(async () =>
    {
        await operation();
        return true;
    });
}
