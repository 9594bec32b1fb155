using System.Collections.Concurrent;
using HdrHistogram;

namespace VotingApp.LoadGenerator;

/// <summary>
/// What the virtual users saw, recorded from many threads at once: latencies in microseconds (an
/// HdrHistogram recorder, read in intervals for the progress line), status counts and the versions named
/// by each answer's x-voting-chain header.
/// </summary>
public sealed class Stats
{
    public const string ChainHeader = "x-voting-chain";
    public const long HighestLatencyMicroseconds = 10L * 60 * 1_000_000;

    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1).WithValuesUpTo(HighestLatencyMicroseconds).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();

    private readonly LongHistogram _total = new(HighestLatencyMicroseconds, 3);
    private readonly object _totalGate = new();
    private HistogramBase? _spare;

    private long _requests;
    private long _errors;
    private long _browse;
    private long _votes;
    private long _withoutChain;

    public ConcurrentDictionary<string, long> StatusCounts { get; } = new();

    /// <summary>"app/1.0" → how many answers named it.</summary>
    public ConcurrentDictionary<string, long> ChainTokens { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);
    public long Errors => Interlocked.Read(ref _errors);
    public long BrowseRequests => Interlocked.Read(ref _browse);
    public long VoteRequests => Interlocked.Read(ref _votes);
    public long WithoutChain => Interlocked.Read(ref _withoutChain);

    public void Record(bool isVote, string status, bool success, long latencyMicroseconds, string? chain)
    {
        _recorder.RecordValue(Math.Clamp(latencyMicroseconds, 1, HighestLatencyMicroseconds));
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref isVote ? ref _votes : ref _browse);
        if (!success) Interlocked.Increment(ref _errors);
        StatusCounts.AddOrUpdate(status, 1, static (_, n) => n + 1);
        if (string.IsNullOrEmpty(chain))
        {
            Interlocked.Increment(ref _withoutChain);
            return;
        }

        foreach (var token in chain.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            ChainTokens.AddOrUpdate(token, 1, static (_, n) => n + 1);
        }
    }

    /// <summary>Moves what was recorded since the last call into the total and returns the interval's p99 (µs).</summary>
    public long TakeInterval()
    {
        lock (_totalGate)
        {
            var interval = _recorder.GetIntervalHistogram(_spare);
            _total.Add(interval);
            var p99 = interval.TotalCount == 0 ? 0 : interval.GetValueAtPercentile(99);
            _spare = interval;
            return p99;
        }
    }

    /// <summary>A copy of every latency recorded so far.</summary>
    public HistogramBase Snapshot()
    {
        TakeInterval();
        lock (_totalGate)
        {
            return _total.Copy();
        }
    }
}
