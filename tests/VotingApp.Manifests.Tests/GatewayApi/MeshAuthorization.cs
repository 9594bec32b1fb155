using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Routing;
using VotingApp.Manifests.Tests.Yaml;
using static VotingApp.Manifests.Tests.Routing.StrictFields;

namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>
/// Who enforces which AuthorizationPolicy in each data plane, on top of <see cref="IstioAuthorization"/>'s
/// decision for one set of policies:
/// - a policy with `targetRefs` to the Gateway voting-app-gateway: the gateway, for the visitor's request;
/// - with `targetRefs` to a Service: the waypoint that Service uses (ambient mode), for a call to it;
/// - with a `selector` (or neither, for the whole namespace): the pod's sidecar, at L7 (sidecar mode); the
///   pod's ztunnel, at L4 only (ambient mode): a selector policy with L7 attributes there fails closed and
///   denies (istio.io/latest/docs/ambient/usage/l7-features, "Authorization policy considerations");
///   a call through a waypoint arrives with the waypoint's identity (ambientmesh.io/docs/security/waypoint-authz).
/// The namespace-wide policies (allow-nothing) bind to the gateway's pods too, which run in this namespace;
/// a waypoint takes only the policies bound to it.
/// And the NetworkPolicies (<see cref="NetworkPolicies"/>): in ambient mode every connection arrives at the
/// pod's HBONE port 15008, from the waypoint when it passes one.
/// </summary>
public sealed class MeshAuthorization(GatewayRouter router)
{
    private const int Hbone = 15008;

    /// <summary>Whether the gateway takes the visitor's request (its own policies; no NetworkPolicy selects it).</summary>
    public bool GatewayAdmits(MeshRequest request) =>
        IstioAuthorization.Allows(Policies(p => Targets(p, "gateway.networking.k8s.io", "Gateway", GatewayRouter.GatewayName) || NamespaceWide(p)),
            Visitor, Anywhere, request);

    /// <summary>Whether a call from <paramref name="caller"/> to Service <paramref name="host"/> gets into the pods of <paramref name="target"/>.</summary>
    public bool Admits(Caller caller, string host, Workload target, MeshRequest request)
    {
        var state = router.State;
        if (!router.Mode.IsAmbient)
        {
            return NetworkPolicies.Admits(state, caller, target, NetworkPolicies.TargetPort(state, host, target))
                && IstioAuthorization.Allows(Policies(p => !HasTargetRefs(p)), caller, target, request);
        }

        var atPod = caller;
        if (router.ThroughWaypoint(host))
        {
            var bound = Policies(p => Targets(p, "", "Service", host));
            if (bound.OfKind("AuthorizationPolicy").Any() && !IstioAuthorization.Allows(bound, caller, Anywhere, request)) return false;
            atPod = GatewayRouter.Waypoint;
        }

        return NetworkPolicies.Admits(state, atPod, target, Hbone) && ZtunnelAllows(atPod, target);
    }

    private bool ZtunnelAllows(Caller caller, Workload target)
    {
        var policies = Policies(p => !HasTargetRefs(p));
        var selecting = policies.OfKind("AuthorizationPolicy").Where(p => target.HasLabels(Workload.Labels(p.Json["spec"]!["selector"]?["matchLabels"])));
        if (selecting.Any(HasL7Attributes)) return false;
        return IstioAuthorization.Allows(policies, caller, target, MeshRequest.Tcp);
    }

    /// <summary>Rules that name methods, paths or other request attributes only a proxy of HTTP can see.</summary>
    public static bool HasL7Attributes(ManifestDocument policy) =>
        ClusterState.Items(policy.Json["spec"]!["rules"]).Any(rule => rule["to"] is not null);

    private static bool HasTargetRefs(ManifestDocument policy) => policy.Json["spec"]?["targetRefs"] is not null;

    private static bool NamespaceWide(ManifestDocument policy) => !HasTargetRefs(policy) && policy.Json["spec"]?["selector"] is null;

    private static bool Targets(ManifestDocument policy, string group, string kind, string name) =>
        List(policy.Json["spec"]?["targetRefs"]).Select(t => Only(t, $"{policy} targetRef", "group", "kind", "name"))
            .Any(t => (t["group"]?.GetValue<string>() ?? "") == group && Text(t["kind"], $"{policy}") == kind && Text(t["name"], $"{policy}") == name);

    /// <summary>The state with only the AuthorizationPolicies that one enforcement point takes, their targetRefs dropped.</summary>
    private ClusterState Policies(Func<ManifestDocument, bool> enforcedHere)
    {
        var state = new ClusterState();
        var step = new RolloutStep("(enforcement point)");
        foreach (var document in router.State.Objects.Where(d => d.Kind == "PeerAuthentication")) state.Apply(step, document);
        foreach (var policy in router.State.OfKind("AuthorizationPolicy").Where(enforcedHere))
        {
            var json = policy.Json.DeepClone().AsObject();
            json["spec"]!.AsObject().Remove("targetRefs");
            state.Apply(step, new ManifestDocument(policy.File, policy.Index, json));
        }

        return state;
    }

    /// <summary>A browser: no mesh identity.</summary>
    private static readonly Caller Visitor = new("visitor", new Dictionary<string, string>(), "", null);

    /// <summary>The proxy that enforces a bound policy, as a workload with no labels (selectors do not apply to it).</summary>
    private static readonly Workload Anywhere = new(new ManifestDocument("(proxy)", 0, JsonNode.Parse(
        """{"kind":"Deployment","metadata":{"name":"proxy"},"spec":{"template":{"metadata":{"labels":{}},"spec":{}}}}""")!.AsObject()));
}
