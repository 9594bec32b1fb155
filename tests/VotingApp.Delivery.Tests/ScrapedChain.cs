using VotingApp.Testing;

namespace VotingApp.Delivery.Tests;

/// <summary>
/// The 1.x chain as three real processes (storage 1.0 on a real Redis), scraped every second by a real
/// Prometheus with the labels a pod gets in the mesh, while pages are read and votes cast; Redis is stopped
/// for a few votes in the middle, so that some are not counted. Shared by the tests of one class.
/// </summary>
public sealed class ScrapedChain : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;
    public VotingChain Chain { get; private set; } = null!;
    public PrometheusServer Prometheus { get; private set; } = null!;
    public int Counted { get; private set; }
    public int NotCounted { get; private set; }

    /// <summary>When the load ended: the queries look back from here, however long the tests before them took.</summary>
    public DateTimeOffset LoadEnded { get; private set; }

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        // The app injects a small delay into a share of its requests, so the fault counter has data too.
        Chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", VotingChain.RedisEnvironment(Redis),
            new Dictionary<string, string?> { ["FAULT_DELAY_MS"] = "1", ["FAULT_DELAY_PERCENT"] = "20" });
        Prometheus = await PrometheusServer.StartAsync([Target(Chain.App), Target(Chain.Analytics), Target(Chain.Storage)]);
        await Prometheus.WaitUntilTargetsUpAsync(3, TimeSpan.FromSeconds(30));

        using var client = Chain.App.CreateClient();
        await LoadAsync(client, TimeSpan.FromSeconds(6));
        await Redis.StopAsync();
        for (var i = 0; i < 6; i++)
        {
            if (await VotingPageReader.VoteAsync(client, i % 2 == 0 ? "Cats" : "Dogs") == 503) NotCounted++;
        }

        await Redis.RestartAsync();
        await LoadAsync(client, TimeSpan.FromSeconds(6));
        LoadEnded = DateTimeOffset.UtcNow;
    }

    /// <summary>What the kubernetes-pods job of Istio's sample Prometheus labels a pod's merged metrics with.</summary>
    private static ScrapeTarget Target(ServiceProcess service) => new($"127.0.0.1:{service.Port}", new Dictionary<string, string>
    {
        ["app"] = service.Service.Name,
        ["version"] = service.Version,
        ["app_kubernetes_io_name"] = service.Service.Name,
        ["app_kubernetes_io_version"] = service.Version,
        ["namespace"] = "voting",
        ["pod"] = $"{service.Service.Name}-0",
    });

    private async Task LoadAsync(HttpClient client, TimeSpan duration)
    {
        var end = DateTime.UtcNow + duration;
        for (var i = 0; DateTime.UtcNow < end; i++)
        {
            if (i % 3 == 0)
            {
                if (await VotingPageReader.VoteAsync(client, i % 2 == 0 ? "Cats" : "Dogs") == 303) Counted++;
            }
            else
            {
                (await client.GetAsync("/")).EnsureSuccessStatusCode();
            }
        }
    }

    public async Task DisposeAsync()
    {
        await Prometheus.DisposeAsync();
        await Chain.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
