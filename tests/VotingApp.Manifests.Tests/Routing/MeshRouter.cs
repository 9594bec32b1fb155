using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Yaml;
using static VotingApp.Manifests.Tests.Routing.StrictFields;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// A small evaluator of the Istio routing the step files use, to compute where a request lands:
/// Gateway (selector, HTTP servers), VirtualService http routes (match on uri prefix/exact, header
/// exact/prefix/regex, sourceLabels; route destinations with host, subset, port and weight; fault delay/abort and
/// mirror, reported by <see cref="Effects"/>),
/// DestinationRule subsets (labels) and tls mode, AuthorizationPolicy ALLOW rules by principal and
/// PeerAuthentication mode. It refuses (throws on) any other field rather than ignoring it.
/// Without a VirtualService, mesh traffic goes to every pod of the Service, as Kubernetes does.
/// </summary>
public sealed class MeshRouter(ClusterState state)
{
    public ClusterState State { get; } = state;

    /// <summary>The Deployments whose pods may receive the request; empty when Envoy would have no route.</summary>
    public IReadOnlyList<Workload> Route(Caller caller, string host, MeshRequest request)
    {
        var service = State.Find("Service", host) ?? throw new RoutingException($"{caller} -> {host}: no Service {host}");
        var selector = Workload.Labels(service.Json["spec"]!["selector"]);
        if (VirtualServiceFor(caller, host) is null)
        {
            return caller.Gateway is null ? Pods(selector) : [];
        }

        return MatchingRoute(caller, host, request) is { } matched
            ? Destinations(matched.Route["route"], matched.Where)
                .SelectMany(destination => SubsetPods(destination.Host, destination.Subset, matched.Where))
                .Distinct()
                .ToList()
            : [];
    }

    /// <summary>
    /// What Envoy does to the request besides routing it (HTTPRoute.fault and .mirror): the fault injected into
    /// it, if any, and the pods a copy goes to (Envoy drops the copy's answer). Nothing when no route matches.
    /// </summary>
    public RouteEffects Effects(Caller caller, string host, MeshRequest request)
    {
        if (VirtualServiceFor(caller, host) is null || MatchingRoute(caller, host, request) is not { } matched) return RouteEffects.None;
        var fault = Fault(matched.Route["fault"], matched.Where);
        var mirrored = matched.Route["mirror"] is { } mirror
            ? SubsetPods(Text(mirror["host"], $"{matched.Where} mirror host"), mirror["subset"]?.GetValue<string>(), matched.Where).ToList()
            : [];
        var share = matched.Route["mirrorPercentage"]?["value"]?.GetValue<double>() ?? 100;
        return new RouteEffects(fault, mirrored, mirrored.Count > 0 ? share : 0);
    }

    /// <summary>The first http route of the caller's VirtualService for the host that matches the request.</summary>
    private (JsonObject Route, string Where)? MatchingRoute(Caller caller, string host, MeshRequest request)
    {
        var virtualService = VirtualServiceFor(caller, host)!;
        if (!request.Http) throw new NotSupportedException($"{virtualService}: tcp routes are not evaluated");
        // Envoy normalizes the path before it routes (and answers 400 to what it refuses), then matches without the query.
        var path = IstioPath.Normalize(request.Path);
        if (path is null) return null;
        request = request with { Path = path };
        var spec = Only(virtualService.Json["spec"], $"{virtualService} spec", "hosts", "gateways", "http");
        foreach (var (route, index) in List(spec["http"]).Select((r, i) => (r, i)))
        {
            var where = $"{virtualService} http[{index}]";
            var fields = Only(route, where, "match", "route", "fault", "mirror", "mirrorPercentage");
            // Read (and so checked) whether or not this route is taken.
            _ = Fault(fields["fault"], where);
            if (fields["mirror"] is { } mirror)
            {
                var target = Only(mirror, $"{where} mirror", "host", "subset", "port");
                if (target["port"] is { } port) Only(port, $"{where} mirror port", "number");
                _ = Text(target["host"], $"{where} mirror host");
            }

            if (fields["mirrorPercentage"] is { } share) Only(share, $"{where} mirrorPercentage", "value");
            var matches = List(fields["match"]).ToList();
            if (matches.Count > 0 && !matches.Any(match => Matches(match, caller, request, where)))
            {
                continue;
            }

            return (fields, where);
        }

        return null;
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

    private static bool Matches(JsonObject match, Caller caller, MeshRequest request, string where)
    {
        var fields = Only(match, $"{where} match", "uri", "headers", "sourceLabels");
        if (fields["uri"] is { } uri && !StringMatch(uri, request.Path, $"{where} uri")) return false;
        foreach (var (name, condition) in fields["headers"]?.AsObject() ?? [])
        {
            if (!request.Headers.TryGetValue(name.ToLowerInvariant(), out var value) || !StringMatch(condition!, value, $"{where} headers.{name}"))
            {
                return false;
            }
        }

        var sourceLabels = Workload.Labels(fields["sourceLabels"]);
        return sourceLabels.All(pair => caller.Labels.TryGetValue(pair.Key, out var value) && value == pair.Value);
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

    private static IEnumerable<(string Host, string? Subset)> Destinations(JsonNode? routes, string where)
    {
        var list = List(routes).Select(route => Only(route, $"{where} route", "destination", "weight")).ToList();
        if (list.Count == 0) throw new RoutingException($"{where}: no destination");
        var weights = list.Select(route => route["weight"]?.GetValue<int>()).ToList();
        if (list.Count > 1 && weights.Sum(w => w ?? 0) != 100) throw new RoutingException($"{where}: weights do not add up to 100");
        return list.Zip(weights)
            .Where(pair => list.Count == 1 || pair.Second > 0)
            .Select(pair =>
            {
                var destination = Only(pair.First["destination"], $"{where} destination", "host", "subset", "port");
                if (destination["port"] is { } port) Only(port, $"{where} port", "number");
                return (Text(destination["host"], $"{where} host"), destination["subset"]?.GetValue<string>());
            });
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

/// <summary>The configuration routes a request nowhere useful (Envoy would answer 404 or 503).</summary>
public sealed class RoutingException(string message) : Exception(message);
