using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Platforms;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// The NetworkPolicies of kubernetes step 1 close, before Istio step 2 brings the AuthorizationPolicies, the
/// window in which any pod could reach Redis or reset the votes: only storage of the right version reaches
/// each database port, only the app and analytics reach storage, only the app reaches analytics; Istio's
/// ports stay open where they must. And no step's traffic is cut by them. On the plain files and on every
/// platform variant, whose ingress gateway runs in its own namespace under its own identity.
/// </summary>
public sealed class NetworkPolicyTests
{
    private const int HboneAndAmbient = 15008;
    private const int MergedMetrics = 15020;

    /// <summary>Who may connect to each component's own port (the app has no NetworkPolicy: the gateway reaches it).</summary>
    private static bool Expected(Caller caller, Workload target) => target.App switch
    {
        "voting-redis" => caller.Labels.GetValueOrDefault("app") == ServiceCatalog.Storage.Name && caller.Labels.GetValueOrDefault("version") == "1.0",
        "voting-mysql" => caller.Labels.GetValueOrDefault("app") == ServiceCatalog.Storage.Name && caller.Labels.GetValueOrDefault("version") == "2.0",
        "voting-storage" => caller.Labels.GetValueOrDefault("app") is "voting-app" or "voting-analytics",
        "voting-analytics" => caller.Labels.GetValueOrDefault("app") == ServiceCatalog.App.Name,
        _ => true,
    };

    [Theory]
    [MemberData(nameof(CrossReferenceTests.PlatformSteps), MemberType = typeof(CrossReferenceTests))]
    public void Only_the_intended_pods_reach_each_port_from_the_first_step_on(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        var callers = state.Workloads.Select(Caller.Pod).Append(Caller.IngressGateway(state.Platform, "voting-app-gateway")).ToList();
        var wrong = new List<string>();
        foreach (var target in state.Workloads)
        {
            var port = NetworkPolicies.TargetPort(state, target.App, target);
            foreach (var caller in callers)
            {
                var expected = Expected(caller, target);
                if (NetworkPolicies.Admits(state, caller, target, port) != expected) wrong.Add($"{caller} -> {target}:{port}: {(expected ? "blocked" : "admitted")}");
                // Ambient's HBONE port admits the same pods; the sidecar's metrics port everyone.
                if (NetworkPolicies.Admits(state, caller, target, HboneAndAmbient) != expected) wrong.Add($"{caller} -> {target}:{HboneAndAmbient}");
                if (!NetworkPolicies.Admits(state, caller, target, MergedMetrics)) wrong.Add($"{caller} -> {target}:{MergedMetrics}: blocked");
                if (target.App != ServiceCatalog.App.Name && NetworkPolicies.Admits(state, caller, target, 9999)) wrong.Add($"{caller} -> {target}:9999: admitted");
            }
        }

        Assert.True(wrong.Count == 0, $"{platform}, after {ManifestFiles.Steps[steps - 1]}:\n" + string.Join("\n", wrong));
    }

    [Theory]
    [MemberData(nameof(CrossReferenceTests.PlatformSteps), MemberType = typeof(CrossReferenceTests))]
    public void Every_live_call_passes_the_network_policies(string platform, int steps)
    {
        var graph = new CallGraph(new MeshRouter(ClusterState.After(steps, Platform.Named(platform))));
        var blocked = new List<string>();
        foreach (var (caller, host, request) in graph.LiveCalls(RoutingTests.FlagOn.Concat(RoutingTests.FlagOff)))
        {
            foreach (var target in graph.Router.Route(caller, host, request))
            {
                var port = NetworkPolicies.TargetPort(graph.Router.State, host, target);
                if (!NetworkPolicies.Admits(graph.Router.State, caller, target, port)) blocked.Add($"{caller} -> {target}:{port} {request}");
            }
        }

        Assert.True(blocked.Count == 0, $"{platform}, after {ManifestFiles.Steps[steps - 1]}:\n" + string.Join("\n", blocked.Distinct()));
    }

    /// <summary>Before Istio step 2 no AuthorizationPolicy exists, so only the network stops these.</summary>
    [Theory]
    [MemberData(nameof(Platform.Names), MemberType = typeof(Platform))]
    public void Before_istio_step_2_the_network_stops_what_istio_does_not_yet(string platform)
    {
        var steps = ManifestFiles.Steps.ToList().FindIndex(s => s.File.StartsWith("istio/step-2", StringComparison.Ordinal));
        var state = ClusterState.After(steps, Platform.Named(platform));
        var router = new MeshRouter(state);
        Assert.Empty(state.OfKind("AuthorizationPolicy"));
        var redis = state.Workloads.Single(w => w.App == "voting-redis");
        var storage = state.Workloads.Single(w => w.App == ServiceCatalog.Storage.Name);
        foreach (var (caller, target, port) in new[]
                 {
                     (state.Workloads.First(w => w.App == ServiceCatalog.Analytics.Name), redis, 6379),
                     (state.Workloads.First(w => w.App == ServiceCatalog.App.Name), redis, 6379),
                     (redis, storage, 8080),
                 })
        {
            Assert.True(router.Allows(Caller.Pod(caller), target), "Istio would let it in");
            Assert.False(NetworkPolicies.Admits(state, Caller.Pod(caller), target, port), $"{caller} -> {target}:{port}");
        }

        Assert.False(NetworkPolicies.Admits(state, Caller.IngressGateway(state.Platform, "voting-app-gateway"), storage, 8080));
    }
}
