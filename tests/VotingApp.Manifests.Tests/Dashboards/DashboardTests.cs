using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Platforms;
using VotingApp.Manifests.Tests.Schemas;

namespace VotingApp.Manifests.Tests.Dashboards;

/// <summary>
/// dashboards/: the Grafana dashboard JSON is valid, every panel has a query, and kustomize ships it unchanged
/// in a ConfigMap that Grafana's dashboard sidecar picks up (label grafana_dashboard). Its queries run against
/// a real Prometheus in tests/VotingApp.Delivery.Tests.
/// </summary>
public sealed class DashboardTests
{
    public const string File = "dashboards/voting-versions.json";

    public static JsonObject Dashboard() =>
        JsonNode.Parse(System.IO.File.ReadAllText(RepositoryPaths.Combine(File)))!.AsObject();

    [Fact]
    public void Every_panel_has_a_query_and_a_unique_id()
    {
        var panels = Dashboard()["panels"]!.AsArray().Select(p => p!.AsObject()).ToList();
        var graphs = panels.Where(p => p["type"]!.GetValue<string>() != "row").ToList();
        Assert.True(graphs.Count >= 16, $"{graphs.Count} panels");
        Assert.Equal(panels.Count, panels.Select(p => p["id"]!.GetValue<int>()).Distinct().Count());
        foreach (var panel in graphs)
        {
            var targets = panel["targets"]!.AsArray();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t!["expr"]?.GetValue<string>()), $"{panel["title"]}: a target without a query"));
            Assert.Equal("${datasource}", panel["datasource"]!["uid"]!.GetValue<string>());
        }

        Assert.Equal("voting-versions", Dashboard()["uid"]!.GetValue<string>());
        // Each service's requests/s, success rate, p50 and p99 per destination_version.
        foreach (var service in new[] { "voting-app", "voting-analytics", "voting-storage" })
        {
            var queries = graphs.SelectMany(p => p["targets"]!.AsArray()).Select(t => t!["expr"]!.GetValue<string>())
                .Where(q => q.Contains($"destination_app=\"{service}\"", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, queries.Count);
            Assert.All(queries, q => Assert.Contains("destination_version", q));
        }
    }

    [SchemaFact]
    public void The_config_map_carries_the_file_for_the_sidecar()
    {
        var map = Assert.Single(Kustomize.Render("dashboards"));
        Assert.Empty(SchemaSet.Validate(map.Json));
        Assert.Equal("ConfigMap", map.Kind);
        Assert.Equal("1", map.Json["metadata"]!["labels"]!["grafana_dashboard"]!.GetValue<string>());
        Assert.Equal(System.IO.File.ReadAllText(RepositoryPaths.Combine(File)), map.Json["data"]!["voting-versions.json"]!.GetValue<string>());
    }
}
