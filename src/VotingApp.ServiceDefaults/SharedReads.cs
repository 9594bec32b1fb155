using VotingApp.Contracts;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// Lets concurrent requests for the same read share one call, without ever showing a value older than the
/// request: per key at most one read is in flight, and a request that comes while one is in flight does not
/// join it (it may have started before a vote this request saw acknowledged) but waits for the next read,
/// which starts when the current one ends, once, for every request that queued meanwhile. That read runs
/// with the first queued request's delegate and execution context, so its trace and log scope are a real
/// request's. Its outcome, value or exception, goes to every waiter (docs/http.md, "Shared reads").
/// </summary>
public sealed class SharedReads<TKey, TValue> where TKey : notnull
{
    /// <summary>A key is here while its read is in flight; the value is the read queued behind it (null: none yet).</summary>
    private readonly Dictionary<TKey, Round?> _inFlight = new();

    /// <summary>One read and everyone who waits for it.</summary>
    private sealed class Round(Func<Task<TValue>> read, ExecutionContext? context)
    {
        public readonly TaskCompletionSource<TValue> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Func<Task<TValue>> Read { get; } = read;
        public ExecutionContext? Context { get; } = context;
    }

    /// <summary>The outcome of a read of <paramref name="key"/> that starts after this call: <paramref name="read"/>'s own, or a shared one.</summary>
    public Task<TValue> ReadAsync(TKey key, Func<Task<TValue>> read)
    {
        Round round;
        lock (_inFlight)
        {
            if (_inFlight.TryGetValue(key, out var queued))
            {
                if (queued is not null) return queued.Done.Task;
                // Captured now, run later: the read belongs to this request (its trace, its forwarded headers).
                _inFlight[key] = round = new Round(read, ExecutionContext.Capture());
                return round.Done.Task;
            }

            _inFlight[key] = null;
            round = new Round(read, null);
        }

        _ = RunAsync(key, round);
        return round.Done.Task;
    }

    /// <summary>Runs one round, hands its outcome to its waiters, then starts the round queued behind it (outside the lock).</summary>
    private async Task RunAsync(TKey key, Round round)
    {
        try
        {
            round.Done.TrySetResult(await round.Read());
        }
        catch (OperationCanceledException e)
        {
            round.Done.TrySetCanceled(e.CancellationToken);
        }
        catch (Exception e)
        {
            round.Done.TrySetException(e);
        }

        Round? next;
        lock (_inFlight)
        {
            next = _inFlight[key];
            if (next is null) _inFlight.Remove(key);
            else _inFlight[key] = null;
        }

        if (next is null) return;
        if (next.Context is null) _ = RunAsync(key, next);
        else ExecutionContext.Run(next.Context, _ => _ = RunAsync(key, next), null);
    }
}

/// <summary>A shared read of another voting service, waited for under the waiter's own bound and cancellation.</summary>
public static class SharedUpstreamReads
{
    /// <summary>
    /// <paramref name="read"/> (given no cancellation: it has its own bound, the client's) shared as
    /// <see cref="SharedReads{TKey,TValue}"/> says; this caller stops waiting when it is cancelled, or with a
    /// timed-out failure after <see cref="UpstreamHttpClients.TotalTimeout"/>, the bound of an unshared call.
    /// </summary>
    public static async Task<UpstreamAnswer<T>> ReadAsync<TKey, T>(this SharedReads<TKey, UpstreamAnswer<T>> reads, TKey key,
        CatalogEntry upstream, Func<Task<UpstreamAnswer<T>>> read, CancellationToken cancellationToken)
        where TKey : notnull where T : class
    {
        try
        {
            return await reads.ReadAsync(key, read).WaitAsync(UpstreamHttpClients.TotalTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return new(null, new(upstream.Name, $"no answer within {UpstreamHttpClients.TotalTimeout.TotalSeconds:0.#} s") { TimedOut = true }, null);
        }
    }
}
