using System.Net;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

/// <summary>
/// The local run's SQLite store keeps every vote it acknowledged when storage is killed (kill -9, no
/// shutdown): storage runs as its own process on a real file, voters post in parallel, the process is
/// killed, started again on the same file, and the count is compared with the answers the voters got.
/// </summary>
public sealed class SqliteDurabilityTests : IAsyncLifetime
{
    private const int Voters = 8;
    private readonly string _folder = RepositoryPaths.NewTempFolder("sqlite-kill");
    private ServiceProcess _storage = null!;

    public async Task InitializeAsync() =>
        _storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", new Dictionary<string, string?>
        {
            ["STORAGE_BACKEND"] = "sqlite",
            ["SQLITE_PATH"] = Path.Combine(_folder, "votes.db"),
        });

    [Fact]
    public async Task Every_acknowledged_vote_survives_kill_9()
    {
        // Killed while votes are in flight: every acknowledged one is counted, and at most the ones that
        // were sent but not yet answered are counted on top.
        var (acknowledged, sent) = await VoteUntilKilledAsync(minimumAcknowledged: 400);
        await RestartAsync();
        var counted = await TotalAsync();
        Assert.InRange(counted, acknowledged, sent);

        // Killed right after the last answer: exactly those votes, none lost.
        using (var client = _storage.CreateClient())
        {
            for (var i = 0; i < 50; i++)
            {
                using var response = await client.VoteAsync(i % 2 == 0 ? "Cats" : "Dogs");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        _storage.Kill();
        await RestartAsync();
        Assert.Equal(counted + 50, await TotalAsync());
    }

    private async Task<(long Acknowledged, long Sent)> VoteUntilKilledAsync(int minimumAcknowledged)
    {
        long acknowledged = 0, sent = 0;
        using var stop = new CancellationTokenSource();
        var voters = Enumerable.Range(0, Voters).Select(async voter =>
        {
            using var client = _storage.CreateClient(TimeSpan.FromSeconds(5));
            while (!stop.IsCancellationRequested)
            {
                Interlocked.Increment(ref sent);
                try
                {
                    using var response = await client.VoteAsync(voter % 2 == 0 ? "Cats" : "Dogs");
                    if (response.StatusCode != HttpStatusCode.OK) return;
                    Interlocked.Increment(ref acknowledged);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    return; // the process is gone
                }
            }
        }).ToList();

        try
        {
            await Eventually.UntilAsync($"{minimumAcknowledged} votes acknowledged before the kill", () => Task.FromResult(Interlocked.Read(ref acknowledged)),
                count => count >= minimumAcknowledged, TimeSpan.FromSeconds(60), () => _storage.Output, interval: TimeSpan.FromMilliseconds(10));
        }
        finally
        {
            _storage.Kill();
            stop.Cancel();
            await Task.WhenAll(voters);
        }

        return (acknowledged, sent);
    }

    private async Task RestartAsync()
    {
        await _storage.StartAsync();
        await _storage.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
    }

    private async Task<long> TotalAsync()
    {
        using var client = _storage.CreateClient();
        var (cats, dogs) = await client.CatsAndDogsAsync();
        return cats + dogs;
    }

    public async Task DisposeAsync()
    {
        await _storage.DisposeAsync();
        RepositoryPaths.DeleteFolder(_folder);
    }
}
