using System.Collections.Concurrent;
using HdrHistogram;
using VotingApp.Contracts;

namespace VotingApp.LoadGenerator;

/// <summary>
/// What the virtual users saw, recorded from many threads at once: latencies (the whole run and per chain
/// of versions named by each answer's x-voting-chain header, read in intervals for the progress line and
/// the report's timeline), status counts and the versions named by each answer.
/// </summary>
public sealed class Stats
{
    public const string ChainHeader = VersionChain.HeaderName;

    /// <summary>The chain of a request that got no answer at all (refused, reset, timed out).</summary>
    public const string NoAnswer = "no answer";

    /// <summary>The chain of an answer without the header (e.g. a gateway's own 503).</summary>
    public const string WithoutChainHeader = "without " + ChainHeader;

    /// <summary>Distinct chains kept apart; more (a misbehaving server) are counted together as "other".</summary>
    private const int MaxChains = 16;

    private readonly LatencyTrack _all = new();
    private readonly ConcurrentDictionary<string, LatencyTrack> _chains = new(StringComparer.Ordinal);
    private readonly List<TimelinePoint> _timeline = [];
    private long _browse;
    private long _votes;
    private long _withoutChain;

    public ConcurrentDictionary<string, long> StatusCounts { get; } = new();

    /// <summary>The statuses of the failed requests only, e.g. "connection refused" or "503".</summary>
    public ConcurrentDictionary<string, long> ErrorCounts { get; } = new();

    /// <summary>"app/1.0" → how many answers named it.</summary>
    public ConcurrentDictionary<string, long> ChainTokens { get; } = new();

    public long Requests => _all.Requests;
    public long Errors => _all.Errors;
    public long BrowseRequests => Interlocked.Read(ref _browse);
    public long VoteRequests => Interlocked.Read(ref _votes);
    public long WithoutChain => Interlocked.Read(ref _withoutChain);

    /// <summary>Each chain of versions that answered ("app/1.0 analytics/1.1 storage/1.0"), and its latencies.</summary>
    public IReadOnlyDictionary<string, LatencyTrack> Chains => _chains;

    /// <summary>Per interval and chain: answers, errors, p50 and p99 (for --report).</summary>
    public IReadOnlyList<TimelinePoint> Timeline
    {
        get
        {
            lock (_timeline) return [.. _timeline];
        }
    }

    /// <summary>The most frequent reason of failure so far, or null.</summary>
    public string? TopError => ErrorCounts.IsEmpty ? null : ErrorCounts.MaxBy(error => error.Value).Key;

    /// <param name="chain">The x-voting-chain header; null when the answer had none or there was no answer.</param>
    public void Record(bool isVote, string status, bool success, long latencyMicroseconds, string? chain, bool answered = true)
    {
        _all.Record(success, latencyMicroseconds);
        Interlocked.Increment(ref isVote ? ref _votes : ref _browse);
        StatusCounts.AddOrUpdate(status, 1, static (_, n) => n + 1);
        if (!success) ErrorCounts.AddOrUpdate(status, 1, static (_, n) => n + 1);
        var group = !answered ? NoAnswer : string.IsNullOrEmpty(chain) ? WithoutChainHeader : chain;
        TrackOf(group).Record(success, latencyMicroseconds);
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

    private LatencyTrack TrackOf(string chain) =>
        _chains.TryGetValue(chain, out var track) ? track
        : _chains.Count < MaxChains ? _chains.GetOrAdd(chain, static _ => new LatencyTrack())
        : _chains.GetOrAdd("other", static _ => new LatencyTrack());

    /// <summary>
    /// Closes the interval that ends at <paramref name="elapsed"/> (into the totals and the timeline) and
    /// returns its p99 over all requests (µs).
    /// </summary>
    public long TakeInterval(TimeSpan elapsed)
    {
        var all = _all.TakeInterval();
        lock (_timeline)
        {
            foreach (var (chain, track) in _chains)
            {
                var interval = track.TakeInterval();
                if (interval.Requests > 0) _timeline.Add(new TimelinePoint(Math.Round(elapsed.TotalSeconds, 3), chain, interval));
            }
        }

        return all.P99Microseconds;
    }

    /// <summary>A copy of every latency recorded so far.</summary>
    public HistogramBase Snapshot() => _all.Snapshot();
}

/// <summary>What one chain of versions answered in the interval ending <see cref="Seconds"/> into the run.</summary>
public sealed record TimelinePoint(double Seconds, string Chain, IntervalLatency Interval);
