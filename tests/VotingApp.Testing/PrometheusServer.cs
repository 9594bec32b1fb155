using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace VotingApp.Testing;

/// <summary>
/// A real Prometheus (Debian's `prometheus` package; never its systemd unit) on 127.0.0.1, with a temporary
/// config and data folder, scraping the given targets every second. Each target carries the labels that the
/// kubernetes-pods job of Istio's sample Prometheus adds to what it scrapes in a cluster (every pod label via
/// labelmap __meta_kubernetes_pod_label_(.+), so app.kubernetes.io/name becomes app_kubernetes_io_name,
/// plus namespace and pod, honor_labels: true; istio/istio samples/addons/prometheus.yaml).
/// </summary>
public sealed class PrometheusServer : LoopbackServer
{
    private readonly string _binary = ServerBinaries.Require("prometheus", "prometheus");

    private PrometheusServer(IEnumerable<ScrapeTarget> targets) : base("prometheus")
    {
        var config = new StringBuilder("""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: kubernetes-pods
                honor_labels: true
                static_configs:

            """);
        foreach (var target in targets)
        {
            config.Append(CultureInfo.InvariantCulture, $"      - targets: ['{target.Address}']\n        labels:\n");
            foreach (var (name, value) in target.Labels) config.Append(CultureInfo.InvariantCulture, $"          {name}: '{value}'\n");
        }

        File.WriteAllText(ConfigFile, config.ToString());
    }

    private string ConfigFile => Path.Combine(Folder, "prometheus.yml");

    protected override (string Binary, IReadOnlyList<string> Arguments) Command => (_binary,
    [
        $"--config.file={ConfigFile}", $"--storage.tsdb.path={Path.Combine(Folder, "data")}",
        $"--web.listen-address={Host}:{Port}", "--log.level=warn",
    ]);

    protected override TimeSpan StartTimeout => TimeSpan.FromSeconds(30);
    protected override TimeSpan StopTimeout => TimeSpan.FromSeconds(10);

    public static async Task<PrometheusServer> StartAsync(IEnumerable<ScrapeTarget> targets)
    {
        var server = new PrometheusServer(targets);
        await server.StartProcessAsync();
        await server.WaitUntilReadyAsync();
        return server;
    }

    /// <summary>
    /// Its port opens before it serves queries (503 "Service Unavailable" meanwhile, which a slow machine sees):
    /// waits for /-/ready.
    /// </summary>
    private async Task WaitUntilReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://{Host}:{Port}/"), Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.UntilAsync("Prometheus to be ready", async () =>
        {
            using var ready = await client.GetAsync("-/ready");
            return ready.IsSuccessStatusCode;
        }, StartTimeout, () => Output, e => e is HttpRequestException or TaskCanceledException);
    }

    /// <summary>
    /// An instant query's result vector, evaluated now or <paramref name="at"/>; throws with Prometheus' own
    /// message when the query is refused.
    /// </summary>
    public async Task<JsonArray> QueryAsync(string promql, DateTimeOffset? at = null)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://{Host}:{Port}/"), Timeout = TimeSpan.FromSeconds(10) };
        List<KeyValuePair<string, string>> form = [new("query", promql)];
        if (at is { } time) form.Add(new("time", (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)));
        using var response = await client.PostAsync("api/v1/query", new FormUrlEncodedContent(form));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        if (body["status"]?.GetValue<string>() != "success")
        {
            throw new InvalidOperationException($"Prometheus refused {promql}: {body["error"]}");
        }

        var data = body["data"]!;
        return data["resultType"]!.GetValue<string>() switch
        {
            "vector" => data["result"]!.AsArray(),
            "scalar" => new JsonArray(new JsonObject { ["metric"] = new JsonObject(), ["value"] = data["result"]!.DeepClone() }),
            var other => throw new InvalidOperationException($"{promql}: a {other}, not an instant vector"),
        };
    }

    /// <summary>Waits until every target has been scraped successfully at least once.</summary>
    public Task WaitUntilTargetsUpAsync(int count, TimeSpan timeout) =>
        Eventually.UntilAsync($"{count} targets up", async () => (await QueryAsync("up == 1")).Count, up => up >= count,
            timeout, () => Output, interval: TimeSpan.FromMilliseconds(250));
}

/// <summary>One /metrics endpoint to scrape (host:port) and the target labels it gets.</summary>
public sealed record ScrapeTarget(string Address, IReadOnlyDictionary<string, string> Labels);
