using VotingApp.Testing;
using Xunit.Abstractions;

namespace VotingApp.FaultDrills.Tests;

/// <summary>
/// During a steady vote load against real servers, one fault each: Redis restarts, MariaDB restarts,
/// storage is killed (kill -9) and started again, storage hangs (SIGSTOP for 5 s, then SIGCONT: a frozen
/// node), Redis hangs, analytics stops for a few seconds. After each, every acknowledged vote is counted, no
/// more votes are counted than were sent, every request got an answer within 2.5 s, the services came back
/// by themselves and their logs name the failure; and once every vote that was not acknowledged has been
/// sent again with its token, storage has counted every vote exactly once. The drills run one after the
/// other (one class), each within about a minute.
/// </summary>
public sealed class FaultDrillTests(ITestOutputHelper output)
{
    [Fact]
    public Task Redis_restart_loses_no_acknowledged_vote() => OnRedisAsync(async (redis, chain) =>
    {
        var figures = await Drill.RunAsync("Redis restart (append-only file on)", chain,
            () => redis.RestartAsync(TimeSpan.FromSeconds(3)), output);

        Drill.AssertNothingLost(figures, chain, votesFail: true);
        await chain.Storage.AssertLoggedAsync("Could not count the vote: The redis store at");
        // "not counted" when the store refused at once, "not confirmed" when a vote was in flight: either may come first.
        await chain.App.AssertLoggedAsync(": voting-storage is unavailable");
    });

    [Fact]
    public async Task MariaDB_restart_loses_no_acknowledged_vote()
    {
        await using var mariaDb = await MariaDbServer.StartAsync();
        await using var chain = await VotingChain.StartAsync("2.0", "2.0", "2.0", mariaDb.StorageEnvironment("drill"));

        var figures = await Drill.RunAsync("MariaDB restart", chain,
            () => mariaDb.RestartAsync(TimeSpan.FromSeconds(3)), output);

        Drill.AssertNothingLost(figures, chain, votesFail: true);
        await chain.Storage.AssertLoggedAsync("Could not count the vote: The mysql store at");
        // "not counted" when the store refused at once, "not confirmed" when a vote was in flight: either may come first.
        await chain.App.AssertLoggedAsync(": voting-storage is unavailable");
    }

    [Fact]
    public Task Storage_killed_and_started_again_loses_no_acknowledged_vote() => OnRedisAsync(async (_, chain) =>
    {
        var figures = await Drill.RunAsync("storage kill -9 and start", chain, async () =>
        {
            chain.Storage.Kill();
            await Task.Delay(TimeSpan.FromSeconds(2)); // the outage itself
            await chain.Storage.StartAsync();
        }, output);

        Drill.AssertNothingLost(figures, chain, votesFail: true);
        await chain.App.AssertLoggedAsync(": voting-storage is unavailable");
        await chain.Analytics.AssertLoggedAsync("Cannot compute the results: voting-storage is unavailable");
    });

    /// <summary>
    /// Connections to a stopped process are accepted by the kernel and never answered: the votes sent
    /// meanwhile wait in its sockets and are counted when it goes on, after the app told the voter "not
    /// confirmed". Sent again with their tokens, they are answered, not counted a second time.
    /// </summary>
    [Fact]
    public Task Storage_hung_for_5_seconds_counts_every_vote_once() => OnRedisAsync(async (_, chain) =>
    {
        var figures = await Drill.RunAsync("storage hung 5 s (SIGSTOP, SIGCONT)", chain,
            () => chain.Storage.HangAsync(TimeSpan.FromSeconds(5)), output, voters: 10);

        Drill.AssertNothingLost(figures, chain, votesFail: true);
        await chain.App.AssertLoggedAsync("not confirmed (it may have been counted): voting-storage is unavailable: no answer within 2 s");
    });

    /// <summary>Storage's commands time out (1 s) and it answers 503, but Redis runs them when it goes on.</summary>
    [Fact]
    public Task Redis_hung_for_5_seconds_counts_every_vote_once() => OnRedisAsync(async (redis, chain) =>
    {
        var figures = await Drill.RunAsync("Redis hung 5 s (SIGSTOP, SIGCONT)", chain,
            () => redis.HangAsync(TimeSpan.FromSeconds(5)), output, voters: 10);

        Drill.AssertNothingLost(figures, chain, votesFail: true);
        await chain.Storage.AssertLoggedAsync("Could not count the vote: The redis store at");
        // "not counted" when the store refused at once, "not confirmed" when a vote was in flight: either may come first.
        await chain.App.AssertLoggedAsync(": voting-storage is unavailable");
    });

    [Fact]
    public Task Analytics_stopped_for_a_few_seconds_costs_no_vote() => OnRedisAsync(async (_, chain) =>
    {
        var figures = await Drill.RunAsync("analytics stopped for 3 s", chain, async () =>
        {
            Assert.True(await chain.Analytics.TerminateAsync(TimeSpan.FromSeconds(10)), "analytics did not stop on SIGTERM");
            await Task.Delay(TimeSpan.FromSeconds(3)); // the outage itself
            await chain.Analytics.StartAsync();
        }, output);

        // Votes go straight to storage: none may fail, each is counted for its option; only the pages lose their counts for a while.
        Drill.AssertNothingLost(figures, chain, votesFail: false);
        Assert.Equal(0, figures.Failed);
        Assert.All(DrillFigures.Options, option => Assert.Equal(figures.AcknowledgedFor(option), figures.Counted[option]));
        await chain.App.AssertLoggedAsync("Results unavailable, page rendered without them: voting-analytics is unavailable");
    });

    /// <summary>The article's first chain (app 1.0, analytics 1.1, storage 1.0) on a Redis of its own.</summary>
    private static async Task OnRedisAsync(Func<RedisServer, VotingChain, Task> drill)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", VotingChain.RedisEnvironment(redis));
        await drill(redis, chain);
    }
}
