using System.Net;
using Microsoft.AspNetCore.Http;
using VotingApp.Testing;

namespace VotingApp.Delivery.Tests;

/// <summary>
/// The benchmark's references (scripts/bench.sh): the floor chain bench/FloorChain answers the requests the
/// benchmark sends to the voting chain, against a real redis-server; bench/floor-goals.sh judges a run's
/// figures as ratios to bare and to the floor, round by round.
/// </summary>
public sealed class BenchFloorTests : IDisposable
{
    private readonly string _results = RepositoryPaths.NewTempFolder("floor-goals");

    public void Dispose() => RepositoryPaths.DeleteFolder(_results);

    [Fact]
    public async Task The_floor_chain_shows_the_results_line_and_counts_a_vote()
    {
        await using var redis = await RedisServer.StartAsync();
        var (storagePort, analyticsPort, appPort) = (FreePort.Next(), FreePort.Next(), FreePort.Next());
        using var storage = StartFloor("storage", storagePort, ("FLOOR_REDIS", $"{redis.Host}:{redis.Port}"));
        using var analytics = StartFloor("analytics", analyticsPort, ("FLOOR_STORAGE", $"http://127.0.0.1:{storagePort}"));
        using var app = StartFloor("app", appPort, ("FLOOR_ANALYTICS", $"http://127.0.0.1:{analyticsPort}"),
            ("FLOOR_STORAGE", $"http://127.0.0.1:{storagePort}"));
        foreach (var (process, port) in new[] { (storage, storagePort), (analytics, analyticsPort), (app, appPort) })
        {
            await FreePort.WaitUntilOpenAsync(port, TimeSpan.FromSeconds(60), () => process.Output);
        }

        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{appPort}/") };
        Assert.Contains("<div id=\"results\">Cats: 0, Dogs: 0</div>", VotingPageReader.ResultsLine(await client.GetStringAsync("/")));

        Assert.Equal((int)HttpStatusCode.SeeOther, await VotingPageReader.VoteAsync(client, "Cats"));
        Assert.Equal((int)HttpStatusCode.SeeOther, await VotingPageReader.VoteAsync(client, "Cats"));
        Assert.Equal((int)HttpStatusCode.SeeOther, await VotingPageReader.VoteAsync(client, "Dogs"));
        Assert.Equal((int)HttpStatusCode.BadRequest, await VotingPageReader.VoteAsync(client, "Mice"));

        Assert.Contains("<div id=\"results\">Cats: 2, Dogs: 1</div>", VotingPageReader.ResultsLine(await client.GetStringAsync("/")));
        Assert.Equal("2", await redis.CommandAsync("HGET", "floor:counts", "Cats"));
    }

    [Fact]
    public async Task Goals_are_judged_on_the_median_ratio_within_rounds()
    {
        // Round 2 is slower for every target (the machine), and the chain stays at 0.85 of the floor within
        // each round; against the other round's floor it would be 0.71 or 1.02.
        WriteRounds(
            (1, "bare", "get", 40000, 1.0), (1, "floor", "get", 8000, 4.0), (1, "chain", "get", 6800, 5.0),
            (2, "bare", "get", 33000, 1.2), (2, "floor", "get", 6700, 4.4), (2, "chain", "get", 5695, 7.0),
            (3, "bare", "get", 41000, 1.0), (3, "floor", "get", 8100, 4.0), (3, "chain", "get", 6885, 5.0),
            (1, "bare", "post", 42000, 1.0), (1, "floor", "post", 10000, 3.0), (1, "chain", "post", 5000, 6.0),
            (2, "bare", "post", 42000, 1.0), (2, "floor", "post", 10000, 3.0), (2, "chain", "post", 5000, 6.0),
            (3, "bare", "post", 42000, 1.0), (3, "floor", "post", 10000, 3.0), (3, "chain", "post", 5000, 6.0));
        File.WriteAllText(Path.Combine(_results, "rss-setup.tsv"), "app 1.0\t44000\nstorage 1.0\t52000\n");

        var run = await ChildProcess.RunAsync("bash", [RepositoryPaths.Combine("bench", "floor-goals.sh"), _results]);

        Assert.Equal(1, run.ExitCode); // goals are missed: the vote, storage's memory, the crowd
        var rows = File.ReadAllLines(Path.Combine(_results, "floor-goals.tsv")).Select(line => line.Split('\t')).ToDictionary(r => r[0]);
        var get = rows["GET / chain, warm (req/s, median of 3 rounds)"];
        Assert.Equal(["6800", "0.170 (0.168–0.173)", "0.850 (0.850–0.850)", "≥ 0.8 of floor", "met"], get[1..]);
        Assert.Equal(["0.500 (0.500–0.500)", "missed"], [rows["vote POST chain, warm (req/s)"][3], rows["vote POST chain, warm (req/s)"][5]]);
        Assert.Equal(["1.250 (1.250–1.591)", "met"], [rows["p99 of GET / chain at 16 connections (ms)"][3], rows["p99 of GET / chain at 16 connections (ms)"][5]]);
        Assert.Equal("met", rows["resident memory of app 1.0 after the load"][5]);
        Assert.Equal("missed", rows["resident memory of storage 1.0 after the load"][5]);
        Assert.Equal("missed", rows["crowd: GET / chain, warm (shared reads)"][5]);
    }

    [Fact]
    public async Task The_first_page_poller_waits_for_a_page_with_counts_and_gives_up_at_its_timeout()
    {
        // As the app answers while its upstreams start: a page without counts twice, then one with them.
        var port = FreePort.Next();
        var requests = 0;
        await using var site = await LoopbackWebHost.StartAsync(port, context => context.Response.WriteAsync(
            Interlocked.Increment(ref requests) <= 2
                ? "<div id=\"results\"> Results are unavailable right now </div>"
                : "<div id=\"results\"> Cats: 1/1 (100%) | Dogs: 0/1 (0%) </div>"));
        var poller = RepositoryPaths.Combine("bench", "first-results.pl");
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var run = await ChildProcess.RunAsync("perl", [poller, started.ToString(), $"http://127.0.0.1:{port}/", "20"]);

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal(3, requests);
        Assert.InRange(long.Parse(run.Output.Trim()), 0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - started);

        // A start that never shows counts (nothing listens here) fails after the timeout, saying so.
        var never = await ChildProcess.RunAsync("perl", [poller, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(), $"http://127.0.0.1:{FreePort.Next()}/", "1"]);
        Assert.NotEqual(0, never.ExitCode);
        Assert.Contains("no page with results within 1 s", never.Error);
    }

    private void WriteRounds(params (int Round, string Target, string Figure, double Rps, double P99Ms)[] rows) =>
        File.WriteAllLines(Path.Combine(_results, "rounds.tsv"), rows.Select(r => $"{r.Round}\t{r.Target}\t{r.Figure}\t{r.Rps}\t{r.P99Ms}"));

    /// <summary>The floor chain as built with the tests (bench/FloorChain is a project reference), in one of its roles.</summary>
    private static ChildProcess StartFloor(string role, int port, params (string Name, string Value)[] settings)
    {
        var dll = RepositoryPaths.Combine("bench", "FloorChain", "bin", RepositoryPaths.Configuration, "net10.0", "FloorChain.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built (a project reference of this test project)");
        var environment = new Dictionary<string, string?> { ["ASPNETCORE_HTTP_PORTS"] = port.ToString(), ["ASPNETCORE_URLS"] = null };
        foreach (var (name, value) in settings) environment[name] = value;
        return ChildProcess.Start("dotnet", [dll, role], environment);
    }
}
