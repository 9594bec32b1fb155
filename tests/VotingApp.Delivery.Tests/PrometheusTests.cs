using System.Globalization;
using System.Text.Json.Nodes;
using VotingApp.Testing;

namespace VotingApp.Delivery.Tests;

/// <summary>
/// The queries of the dashboard (dashboards/voting-versions.json) and of the Flagger MetricTemplates
/// (flagger/metric-templates.yaml, as flagger/canaries.yaml uses them) against a real Prometheus that scrapes
/// the real services: every query on the services' own metrics returns data; every query on Istio's metrics
/// is accepted by Prometheus and uses only Istio's documented standard metric and label names (no Istio runs
/// here, so those return nothing; only a cluster can show their values).
/// </summary>
public sealed class PrometheusTests(ScrapedChain scraped) : IClassFixture<ScrapedChain>
{
    /// <summary>
    /// Istio's standard HTTP and TCP metrics and their labels (istio.io/latest/docs/reference/config/metrics/:
    /// "Metrics" and "Labels"), plus `le`, the bucket label of a Prometheus histogram such as
    /// istio_request_duration_milliseconds_bucket.
    /// </summary>
    private static readonly HashSet<string> IstioMetrics =
    [
        "istio_requests_total", "istio_request_duration_milliseconds_bucket", "istio_request_duration_milliseconds_sum",
        "istio_request_duration_milliseconds_count", "istio_request_bytes_bucket", "istio_response_bytes_bucket",
        "istio_request_messages_total", "istio_response_messages_total", "istio_tcp_sent_bytes_total",
        "istio_tcp_received_bytes_total", "istio_tcp_connections_opened_total", "istio_tcp_connections_closed_total",
    ];

    private static readonly HashSet<string> IstioLabels =
    [
        "reporter", "source_workload", "source_workload_namespace", "source_principal", "source_app", "source_version",
        "destination_workload", "destination_workload_namespace", "destination_principal", "destination_app",
        "destination_version", "destination_service", "destination_service_name", "destination_service_namespace",
        "request_protocol", "response_code", "grpc_response_status", "response_flags", "connection_security_policy",
        "source_canonical_service", "destination_canonical_service", "source_canonical_revision",
        "destination_canonical_revision", "source_cluster", "destination_cluster", "le",
    ];

    public static TheoryData<string> OwnQueries() => Sources(q => !PromQl.IsIstio(q.Expression));

    public static TheoryData<string> IstioQueries() => Sources(q => PromQl.IsIstio(q.Expression));

    [Theory]
    [MemberData(nameof(OwnQueries))]
    public async Task A_query_on_the_services_own_metrics_returns_data(string source)
    {
        var query = Find(source);
        var result = await EventuallyAsync(query.Filled);
        Assert.True(result.Count > 0, $"{source}: no data for\n{query.Filled}");
        Assert.All(result, series => Assert.True(double.IsFinite(Value(series)), $"{source}: {series}"));
    }

    [Theory]
    [MemberData(nameof(IstioQueries))]
    public async Task A_query_on_istio_metrics_is_valid_and_uses_istio_names(string source)
    {
        var query = Find(source);
        Assert.Empty(PromQl.Metrics(query.Expression).Except(IstioMetrics));
        Assert.Empty(PromQl.Labels(query.Expression).Except(IstioLabels));
        Assert.Contains("reporter=\"destination\"", query.Expression.Replace(" ", ""), StringComparison.Ordinal);
        await scraped.Prometheus.QueryAsync(query.Filled); // throws with Prometheus' message if it is not PromQL
    }

    /// <summary>
    /// The own-metric checks measure what happened: the votes counted and, during the Redis outage, the votes
    /// storage could not count, per store and version; the analytics text served by 1.1.
    /// </summary>
    [Fact]
    public async Task The_own_metrics_measure_what_happened()
    {
        Assert.True(scraped.Counted > 10 && scraped.NotCounted > 0, $"{scraped.Counted} counted, {scraped.NotCounted} not");
        var counted = await EventuallyAsync(PromQl.Fill("sum by (store, version) (increase(voting_votes_recorded_total{namespace=\"$namespace\"}[$__rate_interval]))"));
        Assert.Equal("redis", Assert.Single(counted)!["metric"]!["store"]!.GetValue<string>());
        Assert.Equal("1.0", counted[0]!["metric"]!["version"]!.GetValue<string>());

        // The canary check of storage without its `or vector(0)`: a real series, above zero.
        var notCounted = MetricTemplate("voting-votes-not-counted", "voting-storage");
        var failures = await EventuallyAsync(notCounted.Filled.Split("or vector(0)")[0]);
        Assert.True(Value(Assert.Single(failures)) > 0, $"{notCounted.Filled}: {failures.ToJsonString()}");

        var served = await EventuallyAsync(PromQl.Fill("sum by (text, version) (rate(voting_results_served_total{namespace=\"$namespace\"}[$__rate_interval]))"));
        Assert.Equal("shares", Assert.Single(served)!["metric"]!["text"]!.GetValue<string>());
        Assert.Equal("1.1", served[0]!["metric"]!["version"]!.GetValue<string>());
        Assert.True(Value(Assert.Single(await EventuallyAsync(MetricTemplate("voting-results-served", "voting-analytics").Filled))) > 0);
    }

    /// <summary>The metric names the dashboard and the MetricTemplates rely on are the documented ones.</summary>
    [Fact]
    public void The_own_metric_names_are_documented()
    {
        var walkthrough = File.ReadAllText(RepositoryPaths.Combine("docs", "flagger-walkthrough.md"));
        var names = DeliveryQueries.Dashboard().Concat(DeliveryQueries.MetricTemplates())
            .SelectMany(q => PromQl.Metrics(q.Expression)).Where(m => m.StartsWith("voting_", StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(["voting_faults_injected_total", "voting_results_served_total", "voting_service_info", "voting_votes_failed_total", "voting_votes_recorded_total"],
            names.Order(StringComparer.Ordinal));
        Assert.All(names, name => Assert.Contains($"`{name}", walkthrough));
    }

    private static TheoryData<string> Sources(Func<DeliveryQueries.Query, bool> which) =>
        new(DeliveryQueries.Dashboard().Concat(DeliveryQueries.MetricTemplates()).Where(which).Select(q => q.Source).Distinct());

    private static DeliveryQueries.Query Find(string source) =>
        DeliveryQueries.Dashboard().Concat(DeliveryQueries.MetricTemplates()).First(q => q.Source == source);

    private static DeliveryQueries.Query MetricTemplate(string name, string target) =>
        DeliveryQueries.MetricTemplates().First(q => q.Source == $"MetricTemplate {name} for Canary {target}");

    /// <summary>
    /// The query's result just after the load (two scrape intervals on), polled for a while: the last scrapes
    /// may still be on their way. Not "now": on a busy machine the tests before may have taken longer than
    /// the queries' one-minute windows.
    /// </summary>
    private Task<JsonArray> EventuallyAsync(string promql) =>
        Eventually.UntilAsync($"data for {promql}", () => scraped.Prometheus.QueryAsync(promql, scraped.LoadEnded.AddSeconds(2)),
            result => result.Count > 0, TimeSpan.FromSeconds(20), interval: TimeSpan.FromMilliseconds(500));

    private static double Value(JsonNode? series) =>
        double.Parse(series!["value"]![1]!.GetValue<string>(), CultureInfo.InvariantCulture);
}
