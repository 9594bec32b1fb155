using System.Diagnostics;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;
using VotingApp.Testing;

namespace VotingApp.App.Tests;

/// <summary>
/// SharedReads, with reads that end when the test says so: which callers share which read, in what order,
/// and what each caller gets when the read fails or the caller gives up. No clocks: the reads are gated.
/// </summary>
public class SharedReadsTests
{
    /// <summary>Reads that wait for the test to finish them, numbered in the order they started.</summary>
    private sealed class GatedReads
    {
        private readonly List<TaskCompletionSource<int>> _started = [];

        public int Count
        {
            get { lock (_started) return _started.Count; }
        }

        public Func<Task<int>> Read => () =>
        {
            var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_started) _started.Add(gate);
            return gate.Task;
        };

        public TaskCompletionSource<int> this[int index]
        {
            get { lock (_started) return _started[index]; }
        }

        /// <summary>Waits until the read with this number has started (started by the end of an earlier one, on another thread).</summary>
        public Task StartedAsync(int count) =>
            Eventually.UntilAsync($"{count} reads started", () => Count >= count, LoadedMachine.Slack);
    }

    private readonly SharedReads<string, int> _shared = new();
    private readonly GatedReads _reads = new();

    /// <summary>A caller's read of <paramref name="key"/>, gated.</summary>
    private Task<int> Read(string key) => _shared.ReadAsync(key, _reads.Read);

    [Fact]
    public async Task A_read_in_flight_when_a_caller_arrives_is_never_its_answer()
    {
        var first = Read("1.0");
        var second = Read("1.0"); // e.g. sent right after its vote was acknowledged

        _reads[0].SetResult(1);
        Assert.Equal(1, await first);
        await _reads.StartedAsync(2);
        Assert.False(second.IsCompleted, "the second caller got the read that was in flight when it arrived");
        _reads[1].SetResult(2);
        Assert.Equal(2, await second);
        Assert.Equal(2, _reads.Count);
    }

    [Fact]
    public async Task Callers_that_arrive_during_a_read_share_one_next_read()
    {
        var first = Read("1.0");
        var crowd = new Task<int>[50];
        Parallel.For(0, crowd.Length, i => crowd[i] = Read("1.0"));

        Assert.Equal(1, _reads.Count);
        _reads[0].SetResult(1);
        await _reads.StartedAsync(2);
        _reads[1].SetResult(2);
        Assert.Equal(1, await first);
        Assert.All(await Task.WhenAll(crowd), value => Assert.Equal(2, value));
        Assert.Equal(2, _reads.Count);

        // Nothing in flight any more: the next caller starts a read of its own at once.
        var later = Read("1.0");
        Assert.Equal(3, _reads.Count);
        _reads[2].SetResult(3);
        Assert.Equal(3, await later);
    }

    [Fact]
    public async Task Different_keys_never_share_a_read()
    {
        var track1 = Read("1.0");
        var track2 = Read("2.0");
        var track1Again = Read("1.0");

        Assert.Equal(2, _reads.Count); // both tracks read at once; the repeat of 1.0 waits for 1.0's next read
        _reads[1].SetResult(20);
        Assert.Equal(20, await track2);
        Assert.False(track1.IsCompleted);
        _reads[0].SetResult(10);
        Assert.Equal(10, await track1);
        await _reads.StartedAsync(3);
        _reads[2].SetResult(11);
        Assert.Equal(11, await track1Again);
    }

    [Fact]
    public async Task A_failed_read_fails_every_waiter_and_the_next_caller_reads_again()
    {
        var first = Read("1.0");
        var waiters = Enumerable.Range(0, 10).Select(_ => Read("1.0")).ToList();

        _reads[0].SetResult(1);
        await _reads.StartedAsync(2);
        _reads[1].SetException(new InvalidOperationException("analytics is down"));
        foreach (var waiter in waiters)
        {
            Assert.Equal("analytics is down", (await Assert.ThrowsAsync<InvalidOperationException>(() => waiter)).Message);
        }

        var after = Read("1.0");
        Assert.Equal(3, _reads.Count);
        _reads[2].SetResult(3);
        Assert.Equal(3, await after);
        Assert.Equal(1, await first);
    }

    [Fact]
    public async Task A_read_that_throws_at_once_or_is_cancelled_leaves_no_caller_waiting()
    {
        var throwing = _shared.ReadAsync("1.0", () => throw new InvalidOperationException("no client"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => throwing);

        var first = Read("1.0");
        var waiter = Read("1.0");
        _reads[0].SetCanceled();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await _reads.StartedAsync(2);
        _reads[1].SetResult(2);
        Assert.Equal(2, await waiter);
    }

    [Fact]
    public async Task The_shared_read_runs_as_the_first_queued_caller_with_its_delegate()
    {
        var shared = new SharedReads<string, string>();
        var request = new AsyncLocal<string>();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<Task<string>> ReadAs(string name) => async () =>
        {
            await gate.Task;
            return $"{name} read as {request.Value}";
        };

        Task<string> As(string name)
        {
            request.Value = name; // what a request's trace and forwarded headers are: its execution context
            return shared.ReadAsync("1.0", ReadAs(name));
        }

        var first = As("a");
        var second = As("b");
        var third = As("c");
        gate.SetResult();
        Assert.Equal("a read as a", await first);
        Assert.Equal("b read as b", await second);
        Assert.Equal("b read as b", await third);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_stops_waiting_and_the_others_still_get_the_read()
    {
        var shared = new SharedReads<string, UpstreamAnswer<string>>();
        var gates = new List<TaskCompletionSource<UpstreamAnswer<string>>>();
        Func<Task<UpstreamAnswer<string>>> read = () =>
        {
            var gate = new TaskCompletionSource<UpstreamAnswer<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (gates) gates.Add(gate);
            return gate.Task;
        };

        var first = shared.ReadAsync("1.0", ServiceCatalog.Analytics, read, CancellationToken.None);
        using var leaving = new CancellationTokenSource();
        var left = shared.ReadAsync("1.0", ServiceCatalog.Analytics, read, leaving.Token);
        var stayed = shared.ReadAsync("1.0", ServiceCatalog.Analytics, read, CancellationToken.None);
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => left);

        gates[0].SetResult(new("one", null, null));
        Assert.Equal("one", (await first).Value);
        await Eventually.UntilAsync("the next read started", () => { lock (gates) return gates.Count == 2; }, LoadedMachine.Slack);
        gates[1].SetResult(new("two", null, null));
        Assert.Equal("two", (await stayed).Value);
    }

    [Fact]
    public async Task A_queued_waiter_gets_a_timed_out_failure_at_the_bound_of_an_unshared_call()
    {
        var shared = new SharedReads<string, UpstreamAnswer<string>>();
        var hung = new TaskCompletionSource<UpstreamAnswer<string>>();
        // The read in flight is the first caller's own (bounded by its client, here never); the second waits behind it.
        var first = shared.ReadAsync("1.0", ServiceCatalog.Analytics, () => hung.Task, CancellationToken.None);

        var clock = Stopwatch.StartNew();
        var answer = await shared.ReadAsync("1.0", ServiceCatalog.Analytics, () => hung.Task, CancellationToken.None);

        Assert.Null(answer.Value);
        Assert.True(answer.Failure is { TimedOut: true }, $"failure: {answer.Failure}");
        Assert.StartsWith("voting-analytics is unavailable", answer.Failure.Message);
        Assert.InRange(clock.Elapsed, UpstreamHttpClients.TotalTimeout - TimeSpan.FromMilliseconds(100), UpstreamHttpClients.TotalTimeout + LoadedMachine.Slack);
        Assert.False(first.IsCompleted);
    }
}
