using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Routing;
using VotingApp.Manifests.Tests.Yaml;
using static VotingApp.Manifests.Tests.Routing.StrictFields;

namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>
/// An evaluator of the Gateway API routing the gateway-api/ files use (gateway.networking.k8s.io/v1 as
/// Istio 1.30 implements it), to compute where a request lands:
/// - the Gateway `voting-app-gateway` (class istio, one HTTP listener) and the HTTPRoutes whose parentRefs
///   name it, for a visitor's request;
/// - the mesh routes (GAMMA: parentRefs to a Service) for a call from a pod to that Service. In sidecar mode
///   the caller's sidecar applies them; in ambient mode only a waypoint does, so they apply only when the
///   Service is labelled istio.io/use-waypoint with a waypoint that exists (istio.io/latest/docs/ambient/
///   usage/l7-features); otherwise, and without routes, the call goes to every pod of the Service.
/// The routes of a parent are converted to the mesh's routes (<see cref="HttpRouteConversion"/>, in the Gateway
/// API's precedence) and walked by the same <see cref="MeshRouter.Walk"/> as the Istio track's.
/// Retries (<see cref="RetriesFor"/>): a rule of the standard channel has no `retry`, and Istio converts it to a
/// VirtualService route without retries (pilot/pkg/config/kube/gateway/conversion.go), so every route, and the
/// default route of a Service without routes (route.go BuildDefaultHTTPOutboundRoute), gets the mesh's
/// defaultHttpRetryPolicy, or Istio's default without one (<see cref="RetryPolicy"/>, the rule code the Istio
/// track's <see cref="MeshRouter"/> uses). In ambient mode a call that no waypoint handles goes through ztunnel,
/// which carries TCP and never retries an HTTP request.
/// </summary>
public sealed class GatewayRouter(ClusterState state, DataPlane mode, JsonNode? meshDefaultRetryPolicy = null)
{
    private readonly MeshRouter _mesh = new(state, meshDefaultRetryPolicy);

    public const string GatewayName = "voting-app-gateway";
    public const string WaypointLabel = "istio.io/use-waypoint";

    public ClusterState State { get; } = state;
    public DataPlane Mode { get; } = mode;

    /// <summary>meshConfig.defaultHttpRetryPolicy, or Istio's default when the mesh sets none.</summary>
    public RetryPolicy MeshDefaultRetries => _mesh.MeshDefaultRetries;

    /// <summary>The retry policy of a visitor's request at the gateway (host null) or of a pod's call to the Service.</summary>
    public RetryPolicy RetriesFor(string? host) => host is not null && Mode.IsAmbient && !ThroughWaypoint(host) ? RetryPolicy.None : MeshDefaultRetries;

    /// <summary>The pods Istio deploys for Gateway voting-app-gateway: name-class, in this namespace.</summary>
    public static Caller Gateway { get; } = new("voting-app-gateway-istio",
        new Dictionary<string, string> { ["gateway.networking.k8s.io/gateway-name"] = GatewayName },
        "cluster.local/ns/voting/sa/voting-app-gateway-istio", GatewayName);

    /// <summary>The waypoint's pods (Gateway `waypoint`, class istio-waypoint).</summary>
    public static Caller Waypoint { get; } = new("waypoint",
        new Dictionary<string, string> { ["gateway.networking.k8s.io/gateway-name"] = "waypoint" },
        "cluster.local/ns/voting/sa/waypoint", null);

    /// <summary>Where the gateway sends a visitor's request; empty when there is no Gateway or no rule matches (404).</summary>
    public IReadOnlyList<Hop> Enter(MeshRequest request)
    {
        if (State.Find("Gateway", GatewayName) is not { } gateway) return [];
        var spec = Only(gateway.Json["spec"], $"{gateway} spec", "gatewayClassName", "listeners");
        if (Text(spec["gatewayClassName"], $"{gateway} class") != "istio") throw new RoutingException($"{gateway}: not of class istio");
        foreach (var listener in List(spec["listeners"]))
        {
            var fields = Only(listener, $"{gateway} listener", "name", "port", "protocol", "allowedRoutes");
            if (Text(fields["protocol"], $"{gateway} protocol") != "HTTP") throw new NotSupportedException($"{gateway}: protocol {fields["protocol"]}");
            var from = Only(Only(fields["allowedRoutes"], $"{gateway} allowedRoutes", "namespaces")["namespaces"], $"{gateway} namespaces", "from")["from"];
            if (Text(from, $"{gateway} from") != "Same") throw new NotSupportedException($"{gateway}: routes from {from}");
        }

        return Route(GatewayName, RoutesOf("gateway.networking.k8s.io", "Gateway", GatewayName), request, $"Gateway/{GatewayName}");
    }

    /// <summary>Where a pod's call to the Service <paramref name="host"/> lands.</summary>
    public IReadOnlyList<Hop> Call(string host, MeshRequest request)
    {
        var service = State.Find("Service", host) ?? throw new RoutingException($"-> {host}: no Service {host}");
        var routes = RoutesOf("", "Service", host);
        if (Mode.IsAmbient && !ThroughWaypoint(host)) routes = [];
        if (routes.Count == 0 || !request.Http) return _mesh.EveryPod(service, request.Headers, gatewaySemantics: true);
        return Route(host, routes, request, $"Service/{host}");
    }

    /// <summary>Ambient mode: the Service is labelled to use a waypoint, and that waypoint exists.</summary>
    public bool ThroughWaypoint(string host)
    {
        if (!Mode.IsAmbient) return false;
        var service = State.Find("Service", host) ?? throw new RoutingException($"no Service {host}");
        if (service.Json["metadata"]?["labels"]?[WaypointLabel]?.GetValue<string>() is not { } name) return false;
        var waypoint = State.Find("Gateway", name) ?? throw new RoutingException($"{service}: its waypoint {name} does not exist");
        var spec = Only(waypoint.Json["spec"], $"{waypoint} spec", "gatewayClassName", "listeners");
        if (Text(spec["gatewayClassName"], $"{waypoint} class") != "istio-waypoint") throw new RoutingException($"{waypoint}: not a waypoint");
        var listener = Only(List(spec["listeners"]).Single(), $"{waypoint} listener", "name", "port", "protocol");
        if (listener["protocol"]!.GetValue<string>() != "HBONE" || listener["port"]!.GetValue<int>() != 15008) throw new RoutingException($"{waypoint}: not HBONE on 15008");
        return true;
    }

    /// <summary>The HTTPRoutes whose parentRefs name this parent, by name (see the class comment).</summary>
    private List<ManifestDocument> RoutesOf(string group, string kind, string name) =>
        State.OfKind("HTTPRoute").Where(route => List(Only(route.Json["spec"], $"{route} spec", "parentRefs", "rules")["parentRefs"]).Any(parent =>
            {
                var fields = Only(parent, $"{route} parentRef", "group", "kind", "name", "port");
                var parentGroup = fields["group"]?.GetValue<string>() ?? "gateway.networking.k8s.io";
                var parentKind = fields["kind"]?.GetValue<string>() ?? "Gateway";
                if (fields["port"] is { } port && port.GetValue<int>() != 8080) throw new NotSupportedException($"{route}: parent port {port}");
                return parentGroup == group && parentKind == kind && Text(fields["name"], $"{route} parent") == name;
            }))
            .OrderBy(route => route.Name, StringComparer.Ordinal).ToList();

    private IReadOnlyList<Hop> Route(string host, IReadOnlyList<ManifestDocument> routes, MeshRequest request, string parent) =>
        _mesh.Walk(HttpRouteConversion.Convert(host, routes, parent, MeshDefaultRetries), request)?.Hops ?? [];
}
