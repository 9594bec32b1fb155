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

    /// <summary>A read queued behind the one in flight, and everyone who waits for it.</summary>
    private sealed class Round(Func<Task<TValue>> read, ExecutionContext? context)
    {
        public readonly TaskCompletionSource<TValue> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Func<Task<TValue>> Read { get; } = read;
        public ExecutionContext? Context { get; } = context;
    }

    /// <summary>The outcome of a read of <paramref name="key"/> that starts after this call: <paramref name="read"/>'s own, or a shared one.</summary>
    public Task<TValue> ReadAsync(TKey key, Func<Task<TValue>> read) => ReadAsync(key, read, out _);

    /// <summary>As <see cref="ReadAsync(TKey, Func{Task{TValue}})"/>; <paramref name="queued"/>: this caller waits for a read queued behind one in flight.</summary>
    public Task<TValue> ReadAsync(TKey key, Func<Task<TValue>> read, out bool queued)
    {
        lock (_inFlight)
        {
            queued = _inFlight.TryGetValue(key, out var next);
            if (queued)
            {
                if (next is not null) return next.Done.Task;
                // Captured now, run later: the read belongs to this request (its trace, its forwarded headers).
                _inFlight[key] = next = new Round(read, ExecutionContext.Capture());
                return next.Done.Task;
            }

            _inFlight[key] = null;
        }

        // Nobody else waits for it yet: the caller awaits its own read, with no hand-over on the way back.
        return Start(key, read);
    }

    /// <summary>Starts a read (outside the lock); when it ends, the read queued behind it starts.</summary>
    private Task<TValue> Start(TKey key, Func<Task<TValue>> read)
    {
        Task<TValue> task;
        try
        {
            task = read();
        }
        catch (Exception e)
        {
            task = Task.FromException<TValue>(e);
        }

        task.ContinueWith(static (_, state) =>
        {
            var (reads, key) = ((SharedReads<TKey, TValue>, TKey))state!;
            reads.StartNext(key);
        }, (this, key), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    /// <summary>Starts the read queued behind the one that ended, as its first waiter, and hands its outcome to every waiter.</summary>
    private void StartNext(TKey key)
    {
        Round? next;
        lock (_inFlight)
        {
            next = _inFlight[key];
            if (next is null) _inFlight.Remove(key);
            else _inFlight[key] = null;
        }

        if (next is null) return;
        Task<TValue> task;
        if (next.Context is null) task = Start(key, next.Read);
        else
        {
            task = null!;
            ExecutionContext.Run(next.Context, _ => task = Start(key, next.Read), null);
        }

        task.ContinueWith(static (read, done) => ((TaskCompletionSource<TValue>)done!).TrySetFromTask(read), next.Done,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
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
            // A caller whose own read this is waits as long as the read is bounded; one queued behind a read in
            // flight may wait for two: it gives up at the bound an unshared read has.
            var answer = reads.ReadAsync(key, read, out var queued);
            return await (queued ? answer.WaitAsync(UpstreamHttpClients.TotalTimeout, cancellationToken) : answer.WaitAsync(cancellationToken));
        }
        catch (TimeoutException)
        {
            return new(null, new(upstream.Name, $"no answer within {UpstreamHttpClients.TotalTimeout.TotalSeconds:0.#} s") { TimedOut = true }, null);
        }
    }
}
