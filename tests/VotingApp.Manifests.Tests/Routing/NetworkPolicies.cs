using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using static VotingApp.Manifests.Tests.Routing.StrictFields;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// Kubernetes NetworkPolicy for connections into a pod, as kubernetes.io/docs/concepts/services-networking/
/// network-policies describes it: a pod selected by no Ingress policy accepts everything; a selected pod
/// accepts a connection that some rule of some selecting policy allows (rules and policies add up). A rule
/// allows a port when it lists it (or lists no ports) and a source when one of its peers matches: a
/// podSelector alone picks pods of the policy's namespace, a namespaceSelector {} any namespace; no `from`
/// allows every source; an ipBlock peer (cidr, no except) matches an address, never a pod of the mesh. Traffic
/// from the pod's own node is always allowed, so it is not modelled, except kubelet's probes in ambient mode,
/// which arrive from <see cref="AmbientProbeSource"/>. Fields the files do not use (endPort, matchExpressions,
/// Egress, ipBlock except) are refused.
/// </summary>
public static class NetworkPolicies
{
    /// <summary>
    /// Where kubelet's probes come from in ambient mode: istio-cni SNATs them to this link-local address so that
    /// ztunnel lets them through (istio.io/latest/docs/ambient/usage/networkpolicy).
    /// </summary>
    public static System.Net.IPAddress AmbientProbeSource { get; } = System.Net.IPAddress.Parse("169.254.7.127");

    public static bool Admits(ClusterState state, Caller caller, Workload target, int port) => Admits(state, new Source(caller, null), target, port);

    /// <summary>Whether a connection from an address outside the mesh's pods (kubelet's probes) reaches the target's port.</summary>
    public static bool Admits(ClusterState state, System.Net.IPAddress address, Workload target, int port) => Admits(state, new Source(null, address), target, port);

    /// <summary>Each probed port of a workload that a selecting policy keeps kubelet's probes (<see cref="AmbientProbeSource"/>) from, as "workload probe :port".</summary>
    public static IEnumerable<string> ProbesRefused(ClusterState state) =>
        (from target in state.Workloads
         from container in target.Containers
         from probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" }
         let port = container[probe]?["httpGet"]?["port"] ?? container[probe]?["tcpSocket"]?["port"] ?? container[probe]?["grpc"]?["port"]
         where port is not null
         let number = port.GetValueKind() == System.Text.Json.JsonValueKind.Number ? port.GetValue<int>()
             : ClusterState.Items(container["ports"]).Single(p => p["name"]!.GetValue<string>() == port.GetValue<string>())["containerPort"]!.GetValue<int>()
         where !Admits(state, AmbientProbeSource, target, number)
         select $"{target} {probe} :{number}").Distinct();

    private sealed record Source(Caller? Caller, System.Net.IPAddress? Address);

    private static bool Admits(ClusterState state, Source caller, Workload target, int port)
    {
        var selecting = state.OfKind("NetworkPolicy")
            .Select(policy => (policy, spec: Only(policy.Json["spec"], $"{policy} spec", "podSelector", "policyTypes", "ingress")))
            .Where(p => target.HasLabels(MatchLabels(p.spec["podSelector"], $"{p.policy} podSelector")))
            .ToList();
        foreach (var (policy, spec) in selecting)
        {
            var types = spec["policyTypes"]?.AsArray().Select(t => t!.GetValue<string>()).ToList() ?? ["Ingress"];
            if (!types.SequenceEqual(["Ingress"])) throw new NotSupportedException($"{policy}: policyTypes {string.Join(",", types)}");
        }

        return selecting.Count == 0 || selecting.Any(p => List(p.spec["ingress"]).Any(rule => RuleAdmits(rule, caller, port, $"{p.policy}")));
    }

    /// <summary>The container port a connection to the Service's first port lands on in the target's pods.</summary>
    public static int TargetPort(ClusterState state, string host, Workload target)
    {
        var service = state.Find("Service", host) ?? throw new RoutingException($"no Service {host}");
        var servicePort = ClusterState.Items(service.Json["spec"]!["ports"]).First();
        var targetPort = servicePort["targetPort"] ?? servicePort["port"]!;
        if (targetPort.GetValueKind() == System.Text.Json.JsonValueKind.Number) return targetPort.GetValue<int>();
        return target.Containers.SelectMany(c => ClusterState.Items(c["ports"]))
            .Single(p => p["name"]?.GetValue<string>() == targetPort.GetValue<string>())["containerPort"]!.GetValue<int>();
    }

    private static bool RuleAdmits(JsonObject rule, Source caller, int port, string where)
    {
        var fields = Only(rule, $"{where} ingress", "from", "ports");
        var ports = List(fields["ports"]).Select(p => Only(p, $"{where} port", "port", "protocol")).ToList();
        if (ports.Any(p => p["protocol"]?.GetValue<string>() is { } protocol && protocol != "TCP")) throw new NotSupportedException($"{where}: non-TCP port");
        var portMatches = ports.Count == 0 || ports.Any(p => p["port"]!.GetValue<int>() == port);
        var peers = List(fields["from"]).ToList();
        return portMatches && (fields["from"] is null || peers.Any(peer => PeerMatches(peer, caller, where)));
    }

    private static bool PeerMatches(JsonObject peer, Source source, string where)
    {
        var fields = Only(peer, $"{where} from", "podSelector", "namespaceSelector", "ipBlock");
        if (fields["ipBlock"] is { } block)
        {
            if (fields.Count > 1) throw new NotSupportedException($"{where}: ipBlock with a selector");
            var cidr = Text(Only(block, $"{where} ipBlock", "cidr")["cidr"], $"{where} cidr");
            return source.Address is { } address && System.Net.IPNetwork.Parse(cidr).Contains(address);
        }

        if (source.Caller is not { } caller) return false;
        // A podSelector without a namespaceSelector means the policy's own namespace.
        var namespaceMatches = caller.Namespace == MeshRouter.ManifestNamespace;
        if (fields["namespaceSelector"] is { } selector)
        {
            if (MatchLabels(selector, $"{where} namespaceSelector").Count > 0) throw new NotSupportedException($"{where}: namespace labels");
            namespaceMatches = true;
        }

        var podLabels = fields["podSelector"] is { } pods ? MatchLabels(pods, $"{where} podSelector") : new Dictionary<string, string>();
        return namespaceMatches && podLabels.All(pair => caller.Labels.TryGetValue(pair.Key, out var value) && value == pair.Value);
    }

    private static IReadOnlyDictionary<string, string> MatchLabels(JsonNode? selector, string where) =>
        Workload.Labels(Only(selector, where, "matchLabels")["matchLabels"]);
}
