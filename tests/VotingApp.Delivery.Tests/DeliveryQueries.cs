using System.Text.Json.Nodes;
using VotingApp.Testing;
using YamlDotNet.RepresentationModel;

namespace VotingApp.Delivery.Tests;

/// <summary>Every PromQL query the dashboard and the Flagger MetricTemplates run, with where it comes from.</summary>
public static class DeliveryQueries
{
    public sealed record Query(string Source, string Expression, string Target = "")
    {
        public string Filled => PromQl.Fill(Expression, Target);
        public override string ToString() => Source;
    }

    /// <summary>The targets of dashboards/voting-versions.json's panels.</summary>
    public static IReadOnlyList<Query> Dashboard()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(RepositoryPaths.Combine("dashboards", "voting-versions.json")))!;
        return dashboard["panels"]!.AsArray()
            .Where(p => p!["type"]!.GetValue<string>() != "row")
            .SelectMany(p => p!["targets"]!.AsArray().Select(t => new Query($"dashboard panel '{p["title"]}' {t!["refId"]}", t["expr"]!.GetValue<string>())))
            .ToList();
    }

    /// <summary>Each MetricTemplate of flagger/metric-templates.yaml as each Canary of flagger/canaries.yaml uses it ({{ target }} = its Deployment).</summary>
    public static IReadOnlyList<Query> MetricTemplates()
    {
        var templates = Documents("flagger/metric-templates.yaml")
            .ToDictionary(d => Scalar(d, "metadata", "name"), d => Scalar(d, "spec", "query"));
        var queries = new List<Query>();
        foreach (var canary in Documents("flagger/canaries.yaml"))
        {
            var target = Scalar(canary, "spec", "targetRef", "name");
            var metrics = (YamlSequenceNode)Node(canary, "spec", "analysis", "metrics");
            foreach (var metric in metrics.Children.Cast<YamlMappingNode>())
            {
                var name = Scalar(metric, "templateRef", "name");
                queries.Add(new Query($"MetricTemplate {name} for Canary {target}", templates[name], target));
            }
        }

        return queries;
    }

    private static IEnumerable<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(RepositoryPaths.Combine(file.Split('/')));
        stream.Load(reader);
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>();
    }

    private static YamlNode Node(YamlNode node, params string[] path) =>
        path.Aggregate(node, (current, key) => ((YamlMappingNode)current).Children[new YamlScalarNode(key)]);

    private static string Scalar(YamlNode node, params string[] path) => ((YamlScalarNode)Node(node, path)).Value!;
}
