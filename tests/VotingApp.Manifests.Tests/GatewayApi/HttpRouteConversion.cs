using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Routing;
using VotingApp.Manifests.Tests.Yaml;
using static VotingApp.Manifests.Tests.Routing.StrictFields;

namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>
/// The HTTPRoutes of one parent as the mesh's routes, which <see cref="MeshRouter.Walk"/> then walks, as Istio
/// converts them (pilot/pkg/config/kube/gateway/conversion.go at 1.30.3): convertHTTPRoute makes one route per
/// match; createURIMatch turns a PathPrefix into a prefix without its trailing "/" (matched by whole segments,
/// route.go UseGatewaySemantics), an Exact into an exact; createMethodMatch and createHeadersMatch (Exact,
/// RegularExpression) the rest; a RequestHeaderModifier becomes headers.request; backendRefs weighted
/// destinations. The routes are tried in the Gateway API's precedence (HTTPRouteRule.matches,
/// config/crd/standard/gateway.networking.k8s.io_httproutes.yaml at v1.5.1; sortHTTPRoutes in conversion.go):
/// an Exact path before a PathPrefix, a longer prefix first, then a method match, then more header matches;
/// then the oldest route, then "{namespace}/{name}" (the routes here are applied together, so by name); within a
/// route the first rule in list order. No matches means PathPrefix "/". Any other field is refused, not ignored.
/// </summary>
public static class HttpRouteConversion
{
    public static ProxyRoutes Convert(string host, IReadOnlyList<ManifestDocument> routes, string parent, RetryPolicy retries)
    {
        var converted = new List<(int[] Rank, ProxyRoute Route)>();
        foreach (var (route, routeIndex) in routes.Select((r, i) => (r, i)))
        {
            foreach (var (rule, ruleIndex) in List(route.Json["spec"]!["rules"]).Select((r, i) => (r, i)))
            {
                var where = $"{route} rules[{ruleIndex}]";
                var fields = Only(rule, where, "matches", "filters", "backendRefs");
                var action = new JsonObject { ["route"] = Destinations(fields["backendRefs"], where) };
                if (HeadersSet(fields["filters"], where) is { } headers) action["headers"] = headers;
                var matches = List(fields["matches"]).ToList();
                if (matches.Count == 0) matches.Add(new JsonObject());
                foreach (var (match, matchIndex) in matches.Select((m, i) => (m, i)))
                {
                    var matchWhere = $"{where} matches[{matchIndex}]";
                    converted.Add((Rank(match, matchWhere, routeIndex, ruleIndex, matchIndex),
                        new ProxyRoute($"{parent} {where}", action, [Match(match, matchWhere)], retries)));
                }
            }
        }

        return new ProxyRoutes(host, parent, converted.OrderBy(c => c.Rank, RankOrder.Instance).Select(c => c.Route).ToList(), GatewaySemantics: true);
    }

    /// <summary>Sort key, smaller first: exact path, longer prefix, method, more headers, then list order.</summary>
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

    /// <summary>createURIMatch, createMethodMatch, createHeadersMatch (header names in lower case, as MeshRequest keeps them).</summary>
    private static JsonObject Match(JsonObject match, string where)
    {
        var (type, value) = PathOf(match, where);
        var converted = new JsonObject
        {
            ["uri"] = type == "Exact" ? new JsonObject { ["exact"] = value } : new JsonObject { ["prefix"] = value == "/" ? "/" : value.TrimEnd('/') },
        };
        if (match["method"]?.GetValue<string>() is { } method) converted["method"] = new JsonObject { ["exact"] = method };
        var headers = new JsonObject();
        foreach (var header in List(match["headers"]))
        {
            var fields = Only(header, $"{where} header", "name", "value", "type");
            var kind = fields["type"]?.GetValue<string>() ?? "Exact";
            var expected = Text(fields["value"], where);
            headers[Text(fields["name"], where).ToLowerInvariant()] = kind switch
            {
                "Exact" => new JsonObject { ["exact"] = expected },
                "RegularExpression" => new JsonObject { ["regex"] = expected },
                _ => throw new NotSupportedException($"{where}: header match type {kind}"),
            };
        }

        if (headers.Count > 0) converted["headers"] = headers;
        return converted;
    }

    /// <summary>RequestHeaderModifier as headers.request (the only filter the files use).</summary>
    private static JsonObject? HeadersSet(JsonNode? filters, string where)
    {
        JsonObject? request = null;
        foreach (var filter in List(filters))
        {
            var fields = Only(filter, $"{where} filter", "type", "requestHeaderModifier");
            if (Text(fields["type"], where) != "RequestHeaderModifier") throw new NotSupportedException($"{where}: filter {fields["type"]}");
            var modifier = Only(fields["requestHeaderModifier"], $"{where} requestHeaderModifier", "set", "add", "remove");
            request ??= new JsonObject();
            if (modifier["remove"] is { } remove) request["remove"] = remove.DeepClone();
            foreach (var operation in new[] { "set", "add" })
            {
                if (modifier[operation] is null) continue;
                var pairs = new JsonObject();
                foreach (var header in List(modifier[operation])) pairs[Text(header["name"], where)] = Text(header["value"], where);
                request[operation] = pairs;
            }
        }

        return request is null ? null : new JsonObject { ["request"] = request };
    }

    /// <summary>backendRefs (Services only) as destinations with their weights (1 when unset); resolved when a request takes the route.</summary>
    private static JsonArray Destinations(JsonNode? backendRefs, string where)
    {
        var destinations = new JsonArray();
        foreach (var backend in List(backendRefs).Select(b => Only(b, $"{where} backendRef", "group", "kind", "name", "port", "weight")))
        {
            if ((backend["group"]?.GetValue<string>() ?? "") != "" || (backend["kind"]?.GetValue<string>() ?? "Service") != "Service")
            {
                throw new NotSupportedException($"{where}: backend {backend["group"]}/{backend["kind"]}");
            }

            var destination = new JsonObject { ["host"] = Text(backend["name"], where) };
            if (backend["port"]?.GetValue<int>() is { } port) destination["port"] = new JsonObject { ["number"] = port };
            destinations.Add(new JsonObject { ["destination"] = destination, ["weight"] = backend["weight"]?.GetValue<int>() ?? 1 });
        }

        return destinations;
    }
}
