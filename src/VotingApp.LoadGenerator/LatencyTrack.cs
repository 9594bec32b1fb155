using HdrHistogram;

namespace VotingApp.LoadGenerator;

/// <summary>
/// Latencies (µs) and outcomes of one group of requests — the whole run, or the answers of one chain of
/// versions — recorded from many threads at once and read in intervals (HdrHistogram's recorder).
/// </summary>
public sealed class LatencyTrack
{
    public const long HighestLatencyMicroseconds = 10L * 60 * 1_000_000;

    private readonly Recorder _recorder = HistogramFactory.With64BitBucketSize()
        .WithValuesFrom(1).WithValuesUpTo(HighestLatencyMicroseconds).WithPrecisionOf(3)
        .WithThreadSafeWrites().WithThreadSafeReads().Create();

    private readonly LongHistogram _total = new(HighestLatencyMicroseconds, 3);
    private readonly object _gate = new();
    private HistogramBase? _spare;
    private long _requests;
    private long _errors;
    private long _intervalErrors;

    public long Requests => Interlocked.Read(ref _requests);
    public long Errors => Interlocked.Read(ref _errors);

    public void Record(bool success, long latencyMicroseconds)
    {
        _recorder.RecordValue(Math.Clamp(latencyMicroseconds, 1, HighestLatencyMicroseconds));
        Interlocked.Increment(ref _requests);
        if (success) return;
        Interlocked.Increment(ref _errors);
        Interlocked.Increment(ref _intervalErrors);
    }

    /// <summary>Moves what was recorded since the last call into the total and describes that interval.</summary>
    public IntervalLatency TakeInterval()
    {
        lock (_gate)
        {
            var interval = _recorder.GetIntervalHistogram(_spare);
            _total.Add(interval);
            _spare = interval;
            var errors = Interlocked.Exchange(ref _intervalErrors, 0);
            return interval.TotalCount == 0
                ? new IntervalLatency(0, errors, 0, 0)
                : new IntervalLatency(interval.TotalCount, errors, interval.GetValueAtPercentile(50), interval.GetValueAtPercentile(99));
        }
    }

    /// <summary>A copy of every latency recorded so far.</summary>
    public HistogramBase Snapshot()
    {
        TakeInterval();
        lock (_gate)
        {
            return _total.Copy();
        }
    }
}

/// <summary>One interval of a <see cref="LatencyTrack"/>: answers, errors among them, p50 and p99 in µs.</summary>
public readonly record struct IntervalLatency(long Requests, long Errors, long P50Microseconds, long P99Microseconds);
