using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Cluster;

/// <summary>A Deployment seen as the pods it runs: their labels, ServiceAccount and containers.</summary>
public sealed class Workload(ManifestDocument deployment)
{
    public ManifestDocument Deployment { get; } = deployment;
    public string Name => Deployment.Name;
    private JsonObject PodSpec => Deployment.Json["spec"]!["template"]!["spec"]!.AsObject();

    public IReadOnlyDictionary<string, string> PodLabels =>
        Deployment.Json["spec"]!["template"]!["metadata"]!["labels"]!.AsObject()
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());

    public int Replicas => Deployment.Json["spec"]!["replicas"]?.GetValue<int>() ?? 1;
    public string App => PodLabels.GetValueOrDefault("app", "");
    public string? Version => PodLabels.GetValueOrDefault("version");
    public string ServiceAccount => PodSpec["serviceAccountName"]?.GetValue<string>() ?? "default";
    public IEnumerable<JsonObject> Containers => ClusterState.Items(PodSpec["containers"]);
    public IEnumerable<JsonObject> Volumes => ClusterState.Items(PodSpec["volumes"]);

    /// <summary>The mesh identity of the pods, as AuthorizationPolicies name it.</summary>
    public string Principal => $"cluster.local/ns/voting/sa/{ServiceAccount}";

    /// <summary>Kubernetes label selection: every selector label is on the pod with the same value.</summary>
    public bool HasLabels(IReadOnlyDictionary<string, string> selector) =>
        selector.All(pair => PodLabels.TryGetValue(pair.Key, out var value) && value == pair.Value);

    public static IReadOnlyDictionary<string, string> Labels(JsonNode? map) =>
        map?.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>()) ?? new Dictionary<string, string>();

    public override string ToString() => Name;
}
