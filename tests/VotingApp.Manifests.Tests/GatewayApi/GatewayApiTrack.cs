using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Platforms;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>Sidecar (an Envoy beside every pod) or ambient (ztunnel on every node, a waypoint for L7).</summary>
public sealed record DataPlane(string Name)
{
    public static DataPlane Sidecar { get; } = new("sidecar");
    public static DataPlane Ambient { get; } = new("ambient");
    public static IReadOnlyList<DataPlane> All { get; } = [Sidecar, Ambient];
    public static DataPlane Named(string name) => All.Single(mode => mode.Name == name);
    public bool IsAmbient => this == Ambient;
    public override string ToString() => Name;
}

/// <summary>
/// The Gateway API track, in the order docs/gateway-api-walkthrough.md applies it: the kubernetes/ steps (as
/// upstream istioctl's variants render them, with the registry's images) with gateway-api/ in place of istio/. Each step is a file (kubectl apply -f) or a kustomize folder; in
/// ambient mode a step with an ambient variant (gateway-api/ambient/&lt;same path&gt;) is rendered from it.
/// </summary>
public static class GatewayApiTrack
{
    public static IReadOnlyList<RolloutStep> Steps { get; } =
    [
        new("platforms/istioctl/kubernetes/step-1"),
        new("gateway-api/step-1-create-voting-app-gateway.yaml"),
        new("platforms/istioctl/kubernetes/step-2"),
        new("gateway-api/step-2-update-and-add-routing-for-all-components.yaml"),
        new("gateway-api/step-2b-authorization"),
        new("platforms/istioctl/kubernetes/step-3"),
        new("gateway-api/step-3-add-routing-for-2.0-components.yaml"),
        new("gateway-api/step-3b-route-the-featureflag-cookie-to-2.0.yaml"),
        new("gateway-api/step-3c-send-a-tenth-of-new-visitors-to-2.0.yaml"),
        new("gateway-api/step-4-route-all-traffic-to-2.0.yaml"),
        new("gateway-api/step-5-remove-old-versions.yaml"),
        new("gateway-api/step-5b-remove-old-version-services.yaml", Delete: true),
        new("platforms/istioctl/kubernetes/step-4", Delete: true),
    ];

    /// <summary>The steps that ambient mode renders through gateway-api/ambient; the others are the same files.</summary>
    public static IReadOnlyDictionary<string, string> AmbientVariants { get; } = new Dictionary<string, string>
    {
        ["platforms/istioctl/kubernetes/step-1"] = "gateway-api/ambient/kubernetes/step-1",
        ["gateway-api/step-2b-authorization"] = "gateway-api/ambient/step-2b-authorization",
    };

    public static TheoryData<string, int> ModeSteps()
    {
        var data = new TheoryData<string, int>();
        foreach (var mode in DataPlane.All)
        {
            foreach (var count in Enumerable.Range(1, Steps.Count)) data.Add(mode.Name, count);
        }

        return data;
    }

    /// <summary>The mesh configuration the walkthrough installs Istio with (gateway-api/mesh-config.yaml): its defaultHttpRetryPolicy.</summary>
    public static System.Text.Json.Nodes.JsonNode MeshDefaultRetryPolicy { get; } =
        ManifestFile.Read("gateway-api/mesh-config.yaml").Single().Json["spec"]!["meshConfig"]!["defaultHttpRetryPolicy"]!;

    public static int IndexOf(string file) => Steps.ToList().FindIndex(step => step.File == file);

    /// <summary>The documents of one step in this mode, in the order kubectl applies them.</summary>
    public static IReadOnlyList<ManifestDocument> Read(RolloutStep step, DataPlane mode)
    {
        var path = mode.IsAmbient && AmbientVariants.TryGetValue(step.File, out var variant) ? variant : step.File;
        return path.EndsWith(".yaml", StringComparison.Ordinal) ? ManifestFile.Read(path) : Kustomize.Render(path);
    }

    /// <summary>The objects in namespace voting after the first <paramref name="stepCount"/> steps.</summary>
    public static ClusterState After(int stepCount, DataPlane mode)
    {
        var state = new ClusterState();
        foreach (var file in ManifestFiles.OperatorObjects)
        {
            foreach (var document in ManifestFile.Read(file)) state.Apply(new RolloutStep(file), document);
        }

        foreach (var step in Steps.Take(stepCount)) Apply(state, step, mode);
        return state;
    }

    public static void Apply(ClusterState state, RolloutStep step, DataPlane mode)
    {
        foreach (var document in Read(step, mode)) state.Apply(step, document);
    }
}
