using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Yaml;
using static VotingApp.Manifests.Tests.Routing.StrictFields;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// A small evaluator of the Istio routing the step files use, to compute where a request lands:
/// Gateway (selector, HTTP servers), VirtualService http routes (match on uri prefix/exact, header
/// exact/prefix/regex, sourceLabels; route destinations with host, subset, port and weight, or a directResponse;
/// retries; fault delay/abort and mirror, reported by <see cref="Effects"/>),
/// DestinationRule subsets (labels) and tls mode, AuthorizationPolicy ALLOW rules by principal and
/// PeerAuthentication mode. It refuses (throws on) any other field rather than ignoring it.
/// Each proxy gets its own routes (<see cref="RoutesFor(Caller, string)"/>), as Istio builds them:
/// - a VirtualService's rules are kept per match whose sourceLabels are a subset of the proxy's labels
///   (pilot/pkg/networking/core/route/route.go, sourceMatchHTTP, called by TranslateRoute, which returns nil
///   for a match that does not fit); a rule with no match left is dropped (BuildHTTPRoutesForVirtualService);
/// - a sidecar left with no rule does not get the VirtualService at all (buildSidecarVirtualHostsForVirtualService
///   returns nil on "no routes matched"), and BuildSidecarVirtualHostWrapper then gives the host the default
///   route to every endpoint of its Service (buildSidecarVirtualHostForService, BuildDefaultHTTPOutboundRoute),
///   as it does for a host without a VirtualService; a gateway has no such default (404);
/// - the rules left are tried in order; a request that fits none gets 404 (Envoy's "NR", no route);
/// - each route carries its effective retry policy (<see cref="RetryPolicy"/>: the route's `retries`, else the
///   mesh default).
/// The Gateway API track's HTTPRoutes are converted to the same routes (<see cref="GatewayApi.HttpRouteConversion"/>,
/// as Istio does) and walked by the same <see cref="Walk"/>.
/// </summary>
public sealed class MeshRouter(ClusterState state, JsonNode? meshDefaultRetryPolicy = null)
{
    public ClusterState State { get; } = state;

    /// <summary>meshConfig.defaultHttpRetryPolicy (an HTTPRetry), or Istio's default when the mesh sets none.</summary>
    public RetryPolicy MeshDefaultRetries { get; } = RetryPolicy.Convert(meshDefaultRetryPolicy, "meshConfig.defaultHttpRetryPolicy");

    /// <summary>The Deployments whose pods may receive the request; empty when Envoy would have no route (or answers itself).</summary>
    public IReadOnlyList<Workload> Route(Caller caller, string host, MeshRequest request) => Decide(caller, host, request)?.Targets ?? [];

    /// <summary>The route the caller's proxy takes for this request and the pods it may land on; null when no route fits (404).</summary>
    public RouteDecision? Decide(Caller caller, string host, MeshRequest request)
    {
        var service = State.Find("Service", host) ?? throw new RoutingException($"{caller} -> {host}: no Service {host}");
        var routes = RoutesFor(caller, host);
        if (!request.Http)
        {
            // A TCP connection to a host without routes goes to every endpoint, as Kubernetes does.
            return routes is { IsDefault: true } ? new RouteDecision(routes.Routes[0], EveryPod(service, request.Headers, gatewaySemantics: false)) : null;
        }

        return routes is null ? null : Walk(routes, request);
    }

    /// <summary>
    /// The one walk over a proxy's routes, for both tracks: Envoy normalizes the path (null: it answers 400), matches
    /// without the query, takes the first route that fits (null: 404), then splits the request over the route's
    /// destinations by weight and by replicas, with the request headers as the route sets them.
    /// </summary>
    public RouteDecision? Walk(ProxyRoutes routes, MeshRequest request)
    {
        var path = IstioPath.Normalize(request.Path);
        if (path is null) return null;
        request = request with { Path = path };
        var route = routes.Routes.FirstOrDefault(r => r.Matches.Count == 0 || r.Matches.Any(match => Matches(match, request, r.Where, routes.GatewaySemantics)));
        if (route is null) return null;
        if (route.IsDefault) return new RouteDecision(route, EveryPod(State.Find("Service", routes.Host)!, request.Headers, routes.GatewaySemantics));
        if (route.DirectStatus is not null) return new RouteDecision(route, []);
        var headers = HeadersAsSet(route.Rule["headers"], request.Headers, route.Where);
        return new RouteDecision(route, routes.GatewaySemantics ? Backends(route, headers) : Destinations(route, headers));
    }

    /// <summary>
    /// The routes a proxy with these labels gets for the host, in order, each with its retry policy: the rules of
    /// the VirtualService for the host that fit the proxy, or Istio's default route to every endpoint (null for
    /// an ingress gateway without a VirtualService: it routes nothing).
    /// </summary>
    public ProxyRoutes? RoutesFor(Caller caller, string host)
    {
        var virtualService = VirtualServiceFor(caller, host);
        if (virtualService is null)
        {
            return caller.Gateway is null ? ProxyRoutes.Default(host, MeshDefaultRetries) : null;
        }

        var spec = Only(virtualService.Json["spec"], $"{virtualService} spec", "hosts", "gateways", "http");
        var kept = new List<ProxyRoute>();
        foreach (var (rule, index) in List(spec["http"]).Select((r, i) => (r, i)))
        {
            var where = $"{virtualService} http[{index}]";
            var fields = Only(rule, where, "match", "route", "directResponse", "retries", "fault", "mirror", "mirrorPercentage");
            // Read (and so checked) whether or not this route is taken.
            var retries = fields["directResponse"] is null ? fields["retries"] is { } r ? RetryPolicy.Convert(r, where) : MeshDefaultRetries : RetryPolicy.None;
            var status = DirectStatus(fields, where);
            _ = Fault(fields["fault"], where);
            if (fields["mirror"] is { } mirror)
            {
                var target = Only(mirror, $"{where} mirror", "host", "subset", "port");
                if (target["port"] is { } port) Only(port, $"{where} mirror port", "number");
                _ = Text(target["host"], $"{where} mirror host");
            }

            if (fields["mirrorPercentage"] is { } share) Only(share, $"{where} mirrorPercentage", "value");
            var matches = List(fields["match"]).ToList();
            // route.go sourceMatchHTTP: a match whose sourceLabels the proxy does not carry is left out of its routes.
            var fitting = matches.Where(match => SourceMatches(match, caller, where)).ToList();
            if (matches.Count > 0 && fitting.Count == 0) continue;
            kept.Add(new ProxyRoute(where, fields, fitting, retries, status));
        }

        // buildSidecarVirtualHostsForVirtualService: no route left for this proxy, so the VirtualService is not its.
        return kept.Count > 0 ? new ProxyRoutes(host, virtualService.Name, kept)
            : caller.Gateway is null ? ProxyRoutes.Default(host, MeshDefaultRetries) : null;
    }

    /// <summary>The routes a sidecar with these labels gets for the host (for a pod that is not in the files).</summary>
    public ProxyRoutes RoutesFor(IReadOnlyDictionary<string, string> proxyLabels, string host) =>
        RoutesFor(new Caller("proxy", proxyLabels, $"cluster.local/ns/{ManifestNamespace}/sa/default", null), host)!;

    /// <summary>
    /// What Envoy does to the request besides routing it (HTTPRoute.fault and .mirror): the fault injected into
    /// it, if any, and the pods a copy goes to (Envoy drops the copy's answer). Nothing when no route matches.
    /// </summary>
    public RouteEffects Effects(Caller caller, string host, MeshRequest request)
    {
        if (Decide(caller, host, request) is not { } decision || decision.Route.IsDefault) return RouteEffects.None;
        var matched = decision.Route;
        var fault = Fault(matched.Rule["fault"], matched.Where);
        var mirrored = matched.Rule["mirror"] is { } mirror
            ? SubsetPods(Text(mirror["host"], $"{matched.Where} mirror host"), mirror["subset"]?.GetValue<string>(), matched.Where).ToList()
            : [];
        var share = matched.Rule["mirrorPercentage"]?["value"]?.GetValue<double>() ?? 100;
        return new RouteEffects(fault, mirrored, mirrored.Count > 0 ? share : 0);
    }

    /// <summary>HTTPDirectResponse: the status the proxy answers itself (body: a string), without an upstream.</summary>
    private static int? DirectStatus(JsonObject rule, string where)
    {
        if (rule["directResponse"] is not { } node) return null;
        if (rule["route"] is not null || rule["fault"] is not null || rule["mirror"] is not null) throw new RoutingException($"{where}: directResponse with a route");
        var fields = Only(node, $"{where} directResponse", "status", "body");
        if (fields["body"] is { } body) Only(body, $"{where} directResponse body", "string");
        return fields["status"]?.GetValue<int>() ?? throw new RoutingException($"{where}: directResponse without status");
    }

    /// <summary>HTTPFaultInjection: a delay (fixedDelay, percentage) and/or an abort (httpStatus, percentage).</summary>
    private static InjectedFault? Fault(JsonNode? node, string where)
    {
        if (node is null) return null;
        var fault = Only(node, $"{where} fault", "delay", "abort");
        if (fault.Count == 0) throw new NotSupportedException($"{where} fault: neither delay nor abort");
        var delay = fault["delay"] is { } d ? Only(d, $"{where} fault delay", "fixedDelay", "percentage") : null;
        var abort = fault["abort"] is { } a ? Only(a, $"{where} fault abort", "httpStatus", "percentage") : null;
        static double Percent(JsonObject? part, string where) =>
            part is null ? 0 : Only(part["percentage"], $"{where} percentage", "value")["value"]!.GetValue<double>();
        var fixedDelay = delay is null ? TimeSpan.Zero : IstioDuration(Text(delay["fixedDelay"], $"{where} fault delay fixedDelay"), where);
        return new InjectedFault(fixedDelay, Percent(delay, where), abort?["httpStatus"]?.GetValue<int>(), Percent(abort, where));
    }

    /// <summary>A protobuf Duration as Istio writes it: "3s", "500ms", "1.5s".</summary>
    private static TimeSpan IstioDuration(string text, string where) =>
        text.EndsWith("ms", StringComparison.Ordinal) ? TimeSpan.FromMilliseconds(double.Parse(text[..^2], System.Globalization.CultureInfo.InvariantCulture))
        : text.EndsWith('s') ? TimeSpan.FromSeconds(double.Parse(text[..^1], System.Globalization.CultureInfo.InvariantCulture))
        : throw new NotSupportedException($"{where}: duration {text}");

    /// <summary>Whether the target's AuthorizationPolicies and PeerAuthentication let this request of the caller in.</summary>
    public bool Allows(Caller caller, Workload target, MeshRequest request) => IstioAuthorization.Allows(State, caller, target, request);

    /// <summary>Whether the target's policies let the caller send it anything at all (who may call whom).</summary>
    public bool Allows(Caller caller, Workload target) => IstioAuthorization.Allows(State, caller, target, null);

    private ManifestDocument? VirtualServiceFor(Caller caller, string host)
    {
        var candidates = State.OfKind("VirtualService").Where(vs =>
        {
            var spec = vs.Json["spec"]!;
            var gateways = spec["gateways"]?.AsArray().Select(g => g!.GetValue<string>()).ToList() ?? [];
            var bound = caller.Gateway is null ? gateways.Count == 0 || gateways.Contains("mesh") : gateways.Contains(caller.Gateway);
            var hosts = spec["hosts"]!.AsArray().Select(h => h!.GetValue<string>());
            return bound && hosts.Any(h => h == host || h == $"{host}.voting.svc.cluster.local" || (caller.Gateway is not null && h == "*"));
        }).ToList();
        if (candidates.Count > 1) throw new NotSupportedException($"{host}: several VirtualServices ({string.Join(", ", candidates)})");
        if (caller.Gateway is not null && candidates.Count == 1 && !GatewayServes(caller.Gateway)) return null;
        return candidates.SingleOrDefault();
    }

    /// <summary>
    /// Whether the Gateway has a server that takes requests (plain HTTP, or HTTPS with a certificate; an HTTP
    /// server with httpsRedirect only answers 301) and lets this namespace's VirtualServices bind to it:
    /// hosts are [namespace/]dnsName, "./" the Gateway's own namespace, no prefix or "*/" any namespace
    /// (istio/api networking/v1alpha3/gateway.proto, Server.hosts). Files here are applied to namespace voting.
    /// </summary>
    private bool GatewayServes(string name)
    {
        var gateway = State.Find("Gateway", name) ?? throw new RoutingException($"no Gateway {name}");
        var spec = Only(gateway.Json["spec"], $"{gateway} spec", "selector", "servers");
        var selector = Workload.Labels(spec["selector"]);
        if (selector.Count != 1 || selector.GetValueOrDefault("istio") != State.Platform.GatewayLabel)
        {
            throw new RoutingException($"{gateway}: does not select the {State.Platform} ingress gateway (istio: {State.Platform.GatewayLabel})");
        }

        var serves = false;
        foreach (var server in List(spec["servers"]))
        {
            var fields = Only(server, $"{gateway} server", "port", "hosts", "tls");
            var protocol = Only(fields["port"], $"{gateway} port", "number", "name", "protocol")["protocol"]!.GetValue<string>();
            var tls = fields["tls"] is { } node ? Only(node, $"{gateway} tls", "httpsRedirect", "mode", "credentialName") : null;
            var takesRequests = protocol switch
            {
                "HTTP" => tls?["httpsRedirect"]?.GetValue<bool>() != true,
                "HTTPS" => tls?["mode"]?.GetValue<string>() == "SIMPLE" && tls["credentialName"] is not null,
                _ => throw new NotSupportedException($"{gateway}: protocol {protocol}"),
            };
            var hosts = fields["hosts"]!.AsArray().Select(h => h!.GetValue<string>());
            serves |= takesRequests && hosts.Any(host => BindsNamespace(host, ManifestNamespace));
        }

        return serves;
    }

    /// <summary>The namespace the walkthrough applies every file to.</summary>
    public const string ManifestNamespace = "voting";

    /// <summary>Whether a Gateway server host lets a VirtualService (hosts "*") of the namespace bind.</summary>
    public static bool BindsNamespace(string host, string ns)
    {
        var parts = host.Split('/', 2);
        var (scope, _) = parts.Length == 2 ? (parts[0], parts[1]) : ("*", parts[0]);
        return scope is "*" || scope == ns || scope == ".";
    }

    /// <summary>route.go sourceMatchHTTP: the match's sourceLabels are a subset of the proxy's labels (no sourceLabels: any proxy).</summary>
    private static bool SourceMatches(JsonObject match, Caller caller, string where)
    {
        var fields = Only(match, $"{where} match", "uri", "method", "headers", "sourceLabels");
        return Workload.Labels(fields["sourceLabels"]).All(pair => caller.Labels.TryGetValue(pair.Key, out var value) && value == pair.Value);
    }

    private static bool Matches(JsonObject match, MeshRequest request, string where, bool gatewaySemantics)
    {
        var fields = Only(match, $"{where} match", "uri", "method", "headers", "sourceLabels");
        if (fields["uri"] is { } uri && !(gatewaySemantics ? PathSeparatedMatch(uri, request.Path, $"{where} uri") : StringMatch(uri, request.Path, $"{where} uri"))) return false;
        if (fields["method"] is { } method && !StringMatch(method, request.Method, $"{where} method")) return false;
        foreach (var (name, condition) in fields["headers"]?.AsObject() ?? [])
        {
            if (!request.Headers.TryGetValue(name.ToLowerInvariant(), out var value) || !StringMatch(condition!, value, $"{where} headers.{name}"))
            {
                return false;
            }
        }

        return true;
    }

    private static bool StringMatch(JsonNode node, string value, string where)
    {
        var match = Only(node, where, "exact", "prefix", "regex");
        if (match.Count != 1) throw new NotSupportedException($"{where}: exactly one of exact, prefix, regex");
        var (kind, pattern) = (match.First().Key, match.First().Value!.GetValue<string>());
        return kind switch
        {
            "exact" => value == pattern,
            "prefix" => value.StartsWith(pattern, StringComparison.Ordinal),
            _ => Re2Regex.FullMatch(pattern, value),
        };
    }

    /// <summary>
    /// route.go with gateway semantics (UseGatewaySemantics): a prefix other than "/" matches whole path segments
    /// (Envoy's path_separated_prefix), as HTTPRoute's PathPrefix means.
    /// </summary>
    private static bool PathSeparatedMatch(JsonNode node, string path, string where)
    {
        var match = Only(node, where, "exact", "prefix");
        if (match["prefix"]?.GetValue<string>() is not { } prefix) return StringMatch(node, path, where);
        return prefix == "/" || path == prefix || path.StartsWith(prefix + "/", StringComparison.Ordinal);
    }

    /// <summary>HTTPRoute.headers.request (HeaderOperations): remove, then set, then add (appended with a comma).</summary>
    private static IReadOnlyDictionary<string, string> HeadersAsSet(JsonNode? node, IReadOnlyDictionary<string, string> headers, string where)
    {
        if (node is null) return headers;
        var request = Only(Only(node, $"{where} headers", "request")["request"], $"{where} headers.request", "set", "add", "remove");
        var result = new Dictionary<string, string>(headers);
        foreach (var name in request["remove"]?.AsArray().Select(n => n!.GetValue<string>().ToLowerInvariant()) ?? []) result.Remove(name);
        foreach (var (name, value) in request["set"]?.AsObject() ?? []) result[name.ToLowerInvariant()] = value!.GetValue<string>();
        foreach (var (name, value) in request["add"]?.AsObject() ?? [])
        {
            var key = name.ToLowerInvariant();
            result[key] = result.TryGetValue(key, out var old) ? $"{old},{value!.GetValue<string>()}" : value!.GetValue<string>();
        }

        return result;
    }

    /// <summary>A VirtualService route's destinations: one without weight, or weights adding up to 100 (those at 0 dropped).</summary>
    private List<Hop> Destinations(ProxyRoute route, IReadOnlyDictionary<string, string> headers)
    {
        var where = route.Where;
        var list = List(route.Rule["route"]).Select(r => Only(r, $"{where} route", "destination", "weight")).ToList();
        if (list.Count == 0) throw new RoutingException($"{where}: no destination");
        var weights = list.Select(r => r["weight"]?.GetValue<int>()).ToList();
        if (list.Count > 1 && weights.Sum(w => w ?? 0) != 100) throw new RoutingException($"{where}: weights do not add up to 100");
        return list.Zip(weights)
            .Where(pair => list.Count == 1 || pair.Second > 0)
            .SelectMany(pair =>
            {
                var destination = Only(pair.First["destination"], $"{where} destination", "host", "subset", "port");
                if (destination["port"] is { } port) Only(port, $"{where} port", "number");
                var pods = SubsetPods(Text(destination["host"], $"{where} host"), destination["subset"]?.GetValue<string>(), where).ToList();
                return Split(pods, list.Count == 1 ? 1.0 : pair.Second!.Value / 100.0, headers);
            })
            .ToList();
    }

    /// <summary>
    /// A converted HTTPRoute rule's backends (Services), as the Gateway API asks: none, or every weight 0, is a
    /// 500; a backend Service that does not exist (ResolvedRefs false) too; one that selects no pods, a 503.
    /// </summary>
    private List<Hop> Backends(ProxyRoute route, IReadOnlyDictionary<string, string> headers)
    {
        var where = route.Where;
        var refs = List(route.Rule["route"]).ToList();
        if (refs.Count == 0) throw new RoutingException($"{where}: no backendRefs (500)");
        var total = refs.Sum(b => b["weight"]!.GetValue<int>());
        if (total <= 0) throw new RoutingException($"{where}: every weight is 0 (500)");
        var hops = new List<Hop>();
        foreach (var backend in refs)
        {
            var weight = backend["weight"]!.GetValue<int>();
            if (weight == 0) continue;
            var name = Text(backend["destination"]!["host"], where);
            var service = State.Find("Service", name) ?? throw new RoutingException($"{where}: backend Service {name} does not exist (ResolvedRefs false, 500)");
            var port = backend["destination"]!["port"]?["number"]?.GetValue<int>() ?? throw new RoutingException($"{where}: backend {name} without port");
            if (!ClusterState.Items(service.Json["spec"]!["ports"]).Any(p => p["port"]!.GetValue<int>() == port)) throw new RoutingException($"{where}: {name} has no port {port}");
            hops.AddRange(Split(ServicePods(service, true, where), (double)weight / total, headers));
        }

        return hops;
    }

    /// <summary>The default route: every pod of the Service, by replicas (route.go BuildDefaultHTTPOutboundRoute; Kubernetes for TCP).</summary>
    public IReadOnlyList<Hop> EveryPod(ManifestDocument service, IReadOnlyDictionary<string, string> headers, bool gatewaySemantics) =>
        Split(ServicePods(service, gatewaySemantics, $"Service/{service.Name}"), 1.0, headers).ToList();

    /// <summary>The Service's pods; with gateway semantics none is a 503 (an error to report), else simply no target.</summary>
    private List<Workload> ServicePods(ManifestDocument service, bool gatewaySemantics, string where)
    {
        var pods = Pods(Workload.Labels(service.Json["spec"]!["selector"]));
        return pods.Count > 0 || !gatewaySemantics ? pods : throw new RoutingException($"{where}: {service} selects no pods (503)");
    }

    /// <summary>The request's share spread over the pods by their replicas.</summary>
    private static IEnumerable<Hop> Split(List<Workload> pods, double share, IReadOnlyDictionary<string, string> headers)
    {
        var replicas = pods.Sum(p => p.Replicas);
        return pods.Select(p => new Hop(p, share * p.Replicas / replicas, headers));
    }

    private IEnumerable<Workload> SubsetPods(string host, string? subset, string where)
    {
        var service = State.Find("Service", host) ?? throw new RoutingException($"{where}: no Service {host}");
        var selector = Workload.Labels(service.Json["spec"]!["selector"]).ToDictionary();
        var rule = State.OfKind("DestinationRule").SingleOrDefault(r => r.Json["spec"]!["host"]!.GetValue<string>() == host);
        if (rule is not null)
        {
            var spec = Only(rule.Json["spec"], $"{rule} spec", "host", "trafficPolicy", "subsets");
            var tls = Only(Only(spec["trafficPolicy"], $"{rule} trafficPolicy", "tls")["tls"], $"{rule} tls", "mode");
            if (Text(tls["mode"], $"{rule} tls.mode") != "ISTIO_MUTUAL") throw new NotSupportedException($"{rule}: tls mode {tls["mode"]}");
        }

        if (subset is not null)
        {
            var definition = List(rule?.Json["spec"]!["subsets"])
                .Select(s => Only(s, $"{rule} subset", "name", "labels"))
                .SingleOrDefault(s => s["name"]!.GetValue<string>() == subset)
                ?? throw new RoutingException($"{where}: subset {host}/{subset} is not defined (Envoy answers 503)");
            foreach (var (key, value) in Workload.Labels(definition["labels"])) selector[key] = value;
        }

        return Pods(selector);
    }

    private List<Workload> Pods(IReadOnlyDictionary<string, string> selector) =>
        State.Workloads.Where(w => w.Replicas > 0 && w.HasLabels(selector)).ToList();
}

/// <summary>A route's fault injection: how long and how often requests are held, which status and how often they are answered instead.</summary>
public sealed record InjectedFault(TimeSpan Delay, double DelayPercent, int? AbortStatus, double AbortPercent);

/// <summary>What a matched route does besides routing: its fault, and the pods that get a copy (with the share copied).</summary>
public sealed record RouteEffects(InjectedFault? Fault, IReadOnlyList<Workload> MirroredTo, double MirrorPercent)
{
    public static RouteEffects None { get; } = new(null, [], 0);
}

/// <summary>
/// One route a proxy has for a host: the http rule it comes from (null fields for Istio's default route), the
/// rule's matches that fit the proxy (none: every request), its effective retry policy, and the status it
/// answers itself when it is a directResponse.
/// </summary>
public sealed record ProxyRoute(string Where, JsonObject Rule, IReadOnlyList<JsonObject> Matches, RetryPolicy Retries, int? DirectStatus = null)
{
    public bool IsDefault => Where == DefaultName;

    /// <summary>The name Istio gives the route it builds for a host without a VirtualService (route.go, DefaultRouteName).</summary>
    public const string DefaultName = "default";
}

/// <summary>
/// The routes a proxy gets for a host, in the order Envoy tries them; VirtualService null for Istio's default route.
/// GatewaySemantics: converted from HTTPRoutes (route.go UseGatewaySemantics: whole-segment prefixes; backends as the Gateway API resolves them).
/// </summary>
public sealed record ProxyRoutes(string Host, string? VirtualService, IReadOnlyList<ProxyRoute> Routes, bool GatewaySemantics = false)
{
    public bool IsDefault => VirtualService is null;

    /// <summary>Istio's route to every endpoint of the host, with the mesh's default retries (BuildDefaultHTTPOutboundRoute).</summary>
    public static ProxyRoutes Default(string host, RetryPolicy retries) => new(host, null, [new ProxyRoute(ProxyRoute.DefaultName, new JsonObject(), [], retries)]);
}

/// <summary>The route a request takes and where it may land, with the share of requests and their headers (none for a directResponse).</summary>
public sealed record RouteDecision(ProxyRoute Route, IReadOnlyList<Hop> Hops)
{
    /// <summary>The Deployments whose pods may receive the request.</summary>
    public IReadOnlyList<Workload> Targets { get; } = Hops.Select(hop => hop.Target).Distinct().ToList();
}

/// <summary>One place a request may land: the pods of a Deployment, the share of requests sent there, and
/// the request's headers as the route left them.</summary>
public sealed record Hop(Workload Target, double Share, IReadOnlyDictionary<string, string> Headers);

/// <summary>The configuration routes a request nowhere useful (Envoy would answer 404 or 503).</summary>
public sealed class RoutingException(string message) : Exception(message);
