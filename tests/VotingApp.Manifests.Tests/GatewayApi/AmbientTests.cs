using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Routing;
using VotingApp.Manifests.Tests.Yaml;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>
/// The ambient variant is generated from the same files (gateway-api/ambient: a kustomize component and two
/// step variants): the namespace is ambient, a waypoint serves the Services with mesh routes, the policies
/// are split into L4 at the pods (principals only, ztunnel) and L7 at the waypoint and the gateway
/// (targetRefs), with the same least privilege as sidecar mode; and each of these is needed.
/// </summary>
public sealed class AmbientTests
{
    private static readonly int Policies = GatewayApiTrack.IndexOf("gateway-api/step-2b-authorization") + 1;
    private static readonly int EveryWorkload = GatewayApiTrack.IndexOf("platforms/istioctl/kubernetes/step-3") + 1;

    public static TheoryData<int> AmbientSteps() => new(Enumerable.Range(1, GatewayApiTrack.Steps.Count));

    [Fact]
    public void The_namespace_is_ambient_and_the_waypoint_comes_before_any_workload()
    {
        var documents = GatewayApiTrack.Read(GatewayApiTrack.Steps[0], DataPlane.Ambient);
        Assert.Equal("Namespace/voting", documents[0].Key);
        Assert.Equal("ambient", documents[0].Json["metadata"]!["labels"]!["istio.io/dataplane-mode"]!.GetValue<string>());
        Assert.Equal("Gateway/waypoint", documents[1].Key);
        Assert.Equal("istio-waypoint", documents[1].Json["spec"]!["gatewayClassName"]!.GetValue<string>());
        Assert.All(documents.Skip(2), d => Assert.NotEqual("Namespace", d.Kind));
    }

    /// <summary>The variant is the step file with only the ambient changes, not a copy: same documents, same order.</summary>
    [Fact]
    public void The_variants_render_the_step_files_with_only_the_ambient_changes()
    {
        foreach (var (file, _) in GatewayApiTrack.AmbientVariants)
        {
            var step = GatewayApiTrack.Steps[GatewayApiTrack.IndexOf(file)];
            var sidecar = GatewayApiTrack.Read(step, DataPlane.Sidecar);
            var ambient = GatewayApiTrack.Read(step, DataPlane.Ambient).Where(d => d.Kind != "Namespace" && d.Key != "Gateway/waypoint" && !d.Name.EndsWith("-ztunnel", StringComparison.Ordinal)).ToList();
            Assert.Equal(sidecar.Select(d => d.Key), ambient.Select(d => d.Key));
            var changed = sidecar.Zip(ambient).Where(p => !JsonNode.DeepEquals(Images(p.First.Json), Images(p.Second.Json))).Select(p => p.First.Key).Order().ToList();
            string[] expected = file.Contains("kubernetes/", StringComparison.Ordinal)
                ? ["NetworkPolicy/voting-analytics", "NetworkPolicy/voting-storage", "Service/voting-analytics", "Service/voting-storage"]
                : ["AuthorizationPolicy/voting-analytics", "AuthorizationPolicy/voting-app", "AuthorizationPolicy/voting-storage"];
            Assert.Equal(expected, changed);
        }
    }

    [Fact]
    public void No_policy_that_ztunnel_enforces_has_L7_rules_and_L7_rules_are_bound_with_targetRefs()
    {
        var state = GatewayApiTrack.After(Policies, DataPlane.Ambient);
        foreach (var policy in state.OfKind("AuthorizationPolicy"))
        {
            var bound = policy.Json["spec"]!["targetRefs"] is not null;
            Assert.True(bound || !MeshAuthorization.HasL7Attributes(policy), $"{policy}: L7 rules in a policy ztunnel enforces (it would deny everything)");
        }

        Assert.Equal(["voting-analytics", "voting-app-gateway", "voting-storage"],
            state.OfKind("AuthorizationPolicy").Where(MeshAuthorization.HasL7Attributes).Select(p => p.Name).Order());
    }

    /// <summary>Each caller may send each service exactly the requests it makes, in both modes: the same least privilege.</summary>
    [Theory]
    [MemberData(nameof(GatewayRoutingTests.Modes), MemberType = typeof(GatewayRoutingTests))]
    public void Each_caller_may_send_exactly_the_requests_it_makes(string mode)
    {
        var graph = GatewayRoutingTests.Graph(mode, EveryWorkload);
        var state = graph.Router.State;
        var wrong = new List<string>();
        var methods = new[] { "GET", "POST", "PUT", "DELETE", "PATCH" };
        foreach (var target in state.Workloads.Where(w => ServiceCatalog.All.Any(s => s.Name == w.App)))
        {
            var service = ServiceCatalog.All.Single(s => s.Name == target.App);
            foreach (var caller in state.Workloads.Select(Caller.Pod))
            {
                var makes = (CallGraph.ServiceCalls.GetValueOrDefault(caller.Labels["app"]) ?? []).Where(c => c.Callee == service.Name).Select(c => (c.Method, c.Path)).ToHashSet();
                foreach (var method in methods)
                {
                    foreach (var path in OperationAuthorizationTests.ServedPaths(service))
                    {
                        var allowed = graph.Authorization.Admits(caller, service.Name, target, MeshRequest.Send(method, path));
                        if (allowed != makes.Contains((method, path))) wrong.Add($"{caller} -> {target} {method} {path}: {(allowed ? "allowed" : "denied")}");
                    }
                }
            }

            // Around the waypoint: a pod's call to a per-version Service or a pod skips the waypoint and its L7 policy.
            if (mode == "ambient" && state.Find("Service", $"{target.App}-{target.Version!.Replace('.', '-')}") is { } direct && target.App != ServiceCatalog.App.Name)
            {
                var app = Caller.Pod(state.Workloads.First(w => w.App == ServiceCatalog.App.Name));
                if (graph.Authorization.Admits(app, direct.Name, target, MeshRequest.Send("DELETE", "/api/votes"))) wrong.Add($"voting-app -> {direct.Name} directly: allowed");
            }
        }

        foreach (var (method, path) in CallGraph.BrowserCalls)
        {
            if (!graph.Authorization.GatewayAdmits(MeshRequest.Send(method, path))) wrong.Add($"gateway refuses {method} {path}");
        }

        foreach (var (method, path) in new[] { ("DELETE", "/"), ("GET", "/metrics"), ("PUT", "/featureflag/set"), ("GET", "/api/votes") })
        {
            if (graph.Authorization.GatewayAdmits(MeshRequest.Send(method, path))) wrong.Add($"gateway admits {method} {path}");
        }

        Assert.True(wrong.Count == 0, $"{mode}:\n" + string.Join("\n", wrong));
    }

    /// <summary>Without the split, ztunnel would find L7 rules in the pods' policies and deny: the checks above can fail.</summary>
    [Fact]
    public void The_sidecar_policies_in_ambient_mode_would_deny_the_chain()
    {
        var state = GatewayApiTrack.After(EveryWorkload, DataPlane.Ambient);
        foreach (var policy in GatewayApiTrack.Read(GatewayApiTrack.Steps[Policies - 1], DataPlane.Sidecar)) state.Apply(new RolloutStep("sidecar policies"), policy);
        var problems = new TrackGraph(new GatewayRouter(state, DataPlane.Ambient)).LiveCalls(GatewayRoutingTests.Visits()).Where(c => c.Problem is not null).ToList();
        Assert.Contains(problems, p => p.Problem!.Contains("voting-storage", StringComparison.Ordinal));
    }

    /// <summary>Without the use-waypoint labels no waypoint applies the mesh routes: analytics would be round-robin again.</summary>
    [Fact]
    public void Without_the_waypoint_labels_the_mesh_routes_would_not_apply()
    {
        var state = GatewayApiTrack.After(EveryWorkload, DataPlane.Ambient);
        var service = state.Find("Service", "voting-analytics")!;
        var json = service.Json.DeepClone().AsObject();
        json["metadata"]!["labels"]!.AsObject().Remove(GatewayRouter.WaypointLabel);
        state.Apply(new RolloutStep("unlabelled"), new ManifestDocument(service.File, service.Index, json));
        var chains = new TrackGraph(new GatewayRouter(state, DataPlane.Ambient)).PageChains(null);
        Assert.NotEqual(["app/1.0 analytics/1.1 storage/1.0"], chains.Keys);
    }

    /// <summary>The waypoint's pods reach analytics and storage through their NetworkPolicies (HBONE, 15008); nothing else new does.</summary>
    [Fact]
    public void The_network_policies_admit_the_waypoint_only_where_it_forwards()
    {
        var state = GatewayApiTrack.After(EveryWorkload, DataPlane.Ambient);
        foreach (var target in state.Workloads)
        {
            var expected = target.App is "voting-analytics" or "voting-storage" || target.App == ServiceCatalog.App.Name;
            Assert.True(expected == NetworkPolicies.Admits(state, GatewayRouter.Waypoint, target, 15008), $"waypoint -> {target}");
        }

        var sidecar = GatewayApiTrack.After(EveryWorkload, DataPlane.Sidecar);
        Assert.False(NetworkPolicies.Admits(sidecar, GatewayRouter.Waypoint, sidecar.Workloads.First(w => w.App == "voting-storage"), 15008));
    }

    /// <summary>
    /// In ambient mode kubelet's HTTP probes reach the container's own port from 169.254.7.127 (no sidecar rewrites
    /// them to 15020): after every step, every NetworkPolicy that guards a probed port admits that address there.
    /// </summary>
    [Theory]
    [MemberData(nameof(AmbientSteps))]
    public void Probes_reach_every_probed_port_in_ambient_mode(int steps)
    {
        var state = GatewayApiTrack.After(steps, DataPlane.Ambient);
        var refused = NetworkPolicies.ProbesRefused(state).ToList();
        Assert.True(refused.Count == 0, "probes refused: " + string.Join(", ", refused));
    }

    /// <summary>The documents without what platforms/images rewrites (the ambient variant adds the registry).</summary>
    private static JsonObject Images(JsonObject document)
    {
        var copy = document.DeepClone().AsObject();
        foreach (var container in ClusterState.Items(copy["spec"]?["template"]?["spec"]?["containers"]))
        {
            container["image"] = container["image"]!.GetValue<string>().Replace("myregistry.example.com/voting/", "", StringComparison.Ordinal);
        }

        return copy;
    }
}
