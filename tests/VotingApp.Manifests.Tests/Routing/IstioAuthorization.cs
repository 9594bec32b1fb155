using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Yaml;
using static VotingApp.Manifests.Tests.Routing.StrictFields;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// Istio's AuthorizationPolicy decision for one request to one workload, as istio.io/latest/docs/reference/
/// config/security/authorization-policy describes it: DENY policies first (any match denies), then, if any
/// ALLOW policy selects the workload, the request must match one of their rules; none: allowed. A policy
/// without a selector selects every workload of the namespace; one without rules matches nothing (the
/// "allow-nothing" policy). Within a rule, `from` and `to` must both match; their entries are alternatives.
/// Strings match exact, prefix "abc*", suffix "*abc" or presence "*", case-sensitively, against the path as
/// <see cref="IstioPath"/> normalizes it. Over TCP a rule naming methods or paths never matches an ALLOW
/// (istio.io/latest/docs/tasks/security/authorization/authz-tcp). Unknown fields are refused.
/// </summary>
public static class IstioAuthorization
{
    /// <summary>
    /// Whether the target lets the caller's request in; with <paramref name="request"/> null, whether the
    /// caller may send it anything at all (its identity is named by a rule, whatever the operation).
    /// </summary>
    public static bool Allows(ClusterState state, Caller caller, Workload target, MeshRequest? request)
    {
        CheckPeerAuthentication(state);
        var policies = state.OfKind("AuthorizationPolicy").Select(Parse).Where(p => target.HasLabels(p.Selector)).ToList();
        string? path = null;
        if (request is { Http: true })
        {
            path = IstioPath.Normalize(request.Path);
            // Envoy refuses %00 and a method that is not upper case with 400, before any policy.
            if (path is null || request.Method != request.Method.ToUpperInvariant()) return false;
        }

        var matched = policies.Select(p => (p.Action, Matched: p.Rules.Select(rule => Matches(rule, caller, request, path, p.Where, p.Action == "DENY")).ToList().Contains(true))).ToList();
        if (matched.Any(p => p.Action == "DENY" && p.Matched)) return false;
        var allows = matched.Where(p => p.Action == "ALLOW").ToList();
        return allows.Count == 0 || allows.Any(p => p.Matched);
    }

    /// <summary>Istio's string match: "*" any non-empty value, "abc*" prefix, "*abc" suffix, else exact; case-sensitive.</summary>
    public static bool StringMatches(string pattern, string value) => pattern switch
    {
        "*" => value.Length > 0,
        _ when pattern.EndsWith('*') => value.StartsWith(pattern[..^1], StringComparison.Ordinal),
        _ when pattern.StartsWith('*') => value.EndsWith(pattern[1..], StringComparison.Ordinal),
        _ => value == pattern,
    };

    private sealed record Policy(string Where, IReadOnlyDictionary<string, string> Selector, string Action, IReadOnlyList<JsonObject> Rules);

    private static Policy Parse(ManifestDocument policy)
    {
        var spec = Only(policy.Json["spec"], $"{policy} spec", "selector", "action", "rules");
        var selector = spec["selector"] is { } node ? Workload.Labels(Only(node, $"{policy} selector", "matchLabels")["matchLabels"]) : new Dictionary<string, string>();
        var action = spec["action"]?.GetValue<string>() ?? "ALLOW";
        if (action is not ("ALLOW" or "DENY")) throw new NotSupportedException($"{policy}: action {action} is not evaluated");
        return new Policy(policy.ToString(), selector, action, List(spec["rules"]).ToList());
    }

    private static bool Matches(JsonObject rule, Caller caller, MeshRequest? request, string? path, string where, bool deny)
    {
        var fields = Only(rule, $"{where} rule", "from", "to");
        var from = List(fields["from"]).ToList();
        var to = List(fields["to"]).ToList();
        // Every field is read, not only until the first mismatch, so that an unknown field always fails.
        var sources = from.Select(f => SourceMatches(Only(f, $"{where} from", "source")["source"], caller, where)).ToList();
        var operations = to.Select(t => OperationMatches(Only(t, $"{where} to", "operation")["operation"], request, path, where, deny)).ToList();
        return (sources.Count == 0 || sources.Contains(true)) && (operations.Count == 0 || operations.Contains(true));
    }

    private static bool SourceMatches(JsonNode? node, Caller caller, string where)
    {
        var source = Only(node, $"{where} source", "principals", "namespaces");
        return Any(source["principals"], caller.Principal) && Any(source["namespaces"], caller.Namespace);
    }

    private static bool OperationMatches(JsonNode? node, MeshRequest? request, string? path, string where, bool deny)
    {
        var operation = Only(node, $"{where} operation", "methods", "paths");
        if (request is null) return true;
        if (!request.Http)
        {
            // HTTP-only fields on a TCP connection: an ALLOW rule with them is dropped (never matches); a DENY
            // rule keeps only its other conditions (it matches more, never less).
            return deny;
        }

        return Any(operation["methods"], request.Method) && Any(operation["paths"], path!);
    }

    /// <summary>True when the field is absent (no condition) or one of its patterns matches.</summary>
    private static bool Any(JsonNode? patterns, string value) =>
        patterns is null || patterns.AsArray().Any(p => StringMatches(p!.GetValue<string>(), value));

    private static void CheckPeerAuthentication(ClusterState state)
    {
        foreach (var authentication in state.OfKind("PeerAuthentication"))
        {
            var spec = Only(authentication.Json["spec"], $"{authentication} spec", "mtls");
            var mode = Text(Only(spec["mtls"], $"{authentication} mtls", "mode")["mode"], $"{authentication} mode");
            if (mode is not ("STRICT" or "PERMISSIVE")) throw new NotSupportedException($"{authentication}: mode {mode}");
            // Every caller here has a sidecar (injected namespace, or the gateway), so both modes let it in.
        }
    }
}
