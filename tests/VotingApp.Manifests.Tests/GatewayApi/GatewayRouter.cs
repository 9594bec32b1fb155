using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Routing;
using VotingApp.Manifests.Tests.Yaml;
using static VotingApp.Manifests.Tests.Routing.StrictFields;

namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>One place a request may land: the pods of a Deployment, the share of requests sent there, and
/// the request's headers as the route's filters left them.</summary>
public sealed record Hop(Workload Target, double Share, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// An evaluator of the Gateway API routing the gateway-api/ files use (gateway.networking.k8s.io/v1 as
/// Istio 1.30 implements it), to compute where a request lands:
/// - the Gateway `voting-app-gateway` (class istio, one HTTP listener) and the HTTPRoutes whose parentRefs
///   name it, for a visitor's request;
/// - the mesh routes (GAMMA: parentRefs to a Service) for a call from a pod to that Service. In sidecar mode
///   the caller's sidecar applies them; in ambient mode only a waypoint does, so they apply only when the
///   Service is labelled istio.io/use-waypoint with a waypoint that exists (istio.io/latest/docs/ambient/
///   usage/l7-features); otherwise, and without routes, the call goes to every pod of the Service.
/// Match precedence is the Gateway API's (HTTPRouteRule.matches, config/crd/standard/
/// gateway.networking.k8s.io_httproutes.yaml at v1.5.1): across the rules of every route of the parent, an
/// Exact path beats a PathPrefix, a longer prefix a shorter one, then a method match, then more header
/// matches, then more query matches; then the oldest route, then "{namespace}/{name}" (the routes here are
/// applied together, so by name); within a route the first rule in list order. No matches means PathPrefix
/// "/". Paths are normalised as Envoy does (<see cref="IstioPath"/>). Filters: RequestHeaderModifier.
/// Backends: Services (per version) with weights. Any other field is refused, not ignored.
/// Retries (<see cref="RetriesFor"/>): a rule of the standard channel has no `retry`, and Istio converts it to a
/// VirtualService route without retries (pilot/pkg/config/kube/gateway/conversion.go), so every route, and the
/// default route of a Service without routes (route.go BuildDefaultHTTPOutboundRoute), gets the mesh's
/// defaultHttpRetryPolicy, or Istio's default without one (<see cref="RetryPolicy"/>, the rule code the Istio
/// track's <see cref="MeshRouter"/> uses). In ambient mode a call that no waypoint handles goes through ztunnel,
/// which carries TCP and never retries an HTTP request.
/// </summary>
public sealed class GatewayRouter(ClusterState state, DataPlane mode, JsonNode? meshDefaultRetryPolicy = null)
{
    public const string GatewayName = "voting-app-gateway";
    public const string WaypointLabel = "istio.io/use-waypoint";

    public ClusterState State { get; } = state;
    public DataPlane Mode { get; } = mode;

    /// <summary>meshConfig.defaultHttpRetryPolicy, or Istio's default when the mesh sets none.</summary>
    public RetryPolicy MeshDefaultRetries { get; } = RetryPolicy.Convert(meshDefaultRetryPolicy, "meshConfig.defaultHttpRetryPolicy");

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

        return Route(RoutesOf("gateway.networking.k8s.io", "Gateway", GatewayName), request, $"Gateway/{GatewayName}");
    }

    /// <summary>Where a pod's call to the Service <paramref name="host"/> lands.</summary>
    public IReadOnlyList<Hop> Call(string host, MeshRequest request)
    {
        var service = State.Find("Service", host) ?? throw new RoutingException($"-> {host}: no Service {host}");
        var routes = RoutesOf("", "Service", host);
        if (Mode.IsAmbient && !ThroughWaypoint(host)) routes = [];
        if (routes.Count == 0 || !request.Http) return Split(ServicePods(service, $"Service/{host}"), 1.0, request.Headers).ToList();
        return Route(routes, request, $"Service/{host}");
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

    private IReadOnlyList<Hop> Route(IReadOnlyList<ManifestDocument> routes, MeshRequest request, string parent)
    {
        var path = IstioPath.Normalize(request.Path);
        if (path is null) return [];
        var candidates = new List<(int[] Rank, JsonObject Match, JsonObject Rule, string Where)>();
        foreach (var (route, routeIndex) in routes.Select((r, i) => (r, i)))
        {
            foreach (var (rule, ruleIndex) in List(route.Json["spec"]!["rules"]).Select((r, i) => (r, i)))
            {
                var where = $"{route} rules[{ruleIndex}]";
                var fields = Only(rule, where, "matches", "filters", "backendRefs");
                var matches = List(fields["matches"]).ToList();
                if (matches.Count == 0) matches.Add(new JsonObject());
                foreach (var (match, matchIndex) in matches.Select((m, i) => (m, i)))
                {
                    candidates.Add((Rank(match, $"{where} matches[{matchIndex}]", routeIndex, ruleIndex, matchIndex), match, fields, where));
                }
            }
        }

        var chosen = candidates.OrderBy(c => c.Rank, RankOrder.Instance).FirstOrDefault(c => Matches(c.Match, path, request, c.Where));
        if (chosen.Rule is null) return [];
        var headers = Filter(chosen.Rule["filters"], request.Headers, chosen.Where);
        return Backends(chosen.Rule["backendRefs"], headers, $"{parent} {chosen.Where}");
    }

    /// <summary>Sort key, smaller first: exact path, longer prefix, method, more headers, more query params, then list order.</summary>
    private static int[] Rank(JsonObject match, string where, int route, int rule, int index)
    {
        var fields = Only(match, where, "path", "headers", "method");
        var (type, value) = PathOf(fields, where);
        return [type == "Exact" ? 0 : 1, -value.Length, fields["method"] is null ? 1 : 0, -List(fields["headers"]).Count(), route, rule, index];
    }

    private sealed class RankOrder : IComparer<int[]>
    {
        public static RankOrder Instance { get; } = new();
        public int Compare(int[]? x, int[]? y) => x!.Zip(y!).Select(p => p.First.CompareTo(p.Second)).FirstOrDefault(c => c != 0);
    }

    private static (string Type, string Value) PathOf(JsonObject match, string where)
    {
        if (match["path"] is not { } node) return ("PathPrefix", "/");
        var path = Only(node, $"{where} path", "type", "value");
        var type = path["type"]?.GetValue<string>() ?? "PathPrefix";
        if (type is not ("Exact" or "PathPrefix")) throw new NotSupportedException($"{where}: path type {type}");
        return (type, path["value"]?.GetValue<string>() ?? "/");
    }

    private static bool Matches(JsonObject match, string path, MeshRequest request, string where)
    {
        var (type, value) = PathOf(match, where);
        var pathMatches = type == "Exact"
            ? path == value
            : value == "/" || path == value.TrimEnd('/') || path.StartsWith(value.TrimEnd('/') + "/", StringComparison.Ordinal);
        if (!pathMatches) return false;
        if (match["method"]?.GetValue<string>() is { } method && method != request.Method) return false;
        foreach (var header in List(match["headers"]))
        {
            var fields = Only(header, $"{where} header", "name", "value", "type");
            var kind = fields["type"]?.GetValue<string>() ?? "Exact";
            // Header names are case-insensitive; MeshRequest keeps them in lower case.
            if (!request.Headers.TryGetValue(Text(fields["name"], where).ToLowerInvariant(), out var actual)) return false;
            var expected = Text(fields["value"], where);
            var ok = kind switch
            {
                "Exact" => actual == expected,
                "RegularExpression" => Re2Regex.FullMatch(expected, actual),
                _ => throw new NotSupportedException($"{where}: header match type {kind}"),
            };
            if (!ok) return false;
        }

        return true;
    }

    private static Dictionary<string, string> Filter(JsonNode? filters, IReadOnlyDictionary<string, string> headers, string where)
    {
        var result = new Dictionary<string, string>(headers);
        foreach (var filter in List(filters))
        {
            var fields = Only(filter, $"{where} filter", "type", "requestHeaderModifier");
            if (Text(fields["type"], where) != "RequestHeaderModifier") throw new NotSupportedException($"{where}: filter {fields["type"]}");
            var modifier = Only(fields["requestHeaderModifier"], $"{where} requestHeaderModifier", "set", "add", "remove");
            foreach (var name in modifier["remove"]?.AsArray().Select(n => n!.GetValue<string>().ToLowerInvariant()) ?? []) result.Remove(name);
            foreach (var header in List(modifier["set"])) result[Text(header["name"], where).ToLowerInvariant()] = Text(header["value"], where);
            foreach (var header in List(modifier["add"]))
            {
                var name = Text(header["name"], where).ToLowerInvariant();
                result[name] = result.TryGetValue(name, out var old) ? $"{old},{Text(header["value"], where)}" : Text(header["value"], where);
            }
        }

        return result;
    }

    private IReadOnlyList<Hop> Backends(JsonNode? backendRefs, IReadOnlyDictionary<string, string> headers, string where)
    {
        var refs = List(backendRefs).Select(b => Only(b, $"{where} backendRef", "group", "kind", "name", "port", "weight")).ToList();
        if (refs.Count == 0) throw new RoutingException($"{where}: no backendRefs (500)");
        var total = refs.Sum(b => b["weight"]?.GetValue<int>() ?? 1);
        if (total <= 0) throw new RoutingException($"{where}: every weight is 0 (500)");
        var hops = new List<Hop>();
        foreach (var backend in refs)
        {
            if ((backend["group"]?.GetValue<string>() ?? "") != "" || (backend["kind"]?.GetValue<string>() ?? "Service") != "Service")
            {
                throw new NotSupportedException($"{where}: backend {backend["group"]}/{backend["kind"]}");
            }

            var weight = backend["weight"]?.GetValue<int>() ?? 1;
            if (weight == 0) continue;
            var name = Text(backend["name"], where);
            var service = State.Find("Service", name) ?? throw new RoutingException($"{where}: backend Service {name} does not exist (ResolvedRefs false, 500)");
            var port = backend["port"]?.GetValue<int>() ?? throw new RoutingException($"{where}: backend {name} without port");
            if (!ClusterState.Items(service.Json["spec"]!["ports"]).Any(p => p["port"]!.GetValue<int>() == port)) throw new RoutingException($"{where}: {name} has no port {port}");
            hops.AddRange(Split(ServicePods(service, where), (double)weight / total, headers));
        }

        return hops;
    }

    private List<Workload> ServicePods(ManifestDocument service, string where)
    {
        var selector = Workload.Labels(service.Json["spec"]!["selector"]);
        var pods = State.Workloads.Where(w => w.Replicas > 0 && w.HasLabels(selector)).ToList();
        return pods.Count > 0 ? pods : throw new RoutingException($"{where}: {service} selects no pods (503)");
    }

    private static IEnumerable<Hop> Split(List<Workload> pods, double share, IReadOnlyDictionary<string, string> headers)
    {
        var replicas = pods.Sum(p => p.Replicas);
        return pods.Select(p => new Hop(p, share * p.Replicas / replicas, headers));
    }
}
