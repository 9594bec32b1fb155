using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Yaml;
using static VotingApp.Manifests.Tests.Cluster.ClusterState;

namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>
/// What must hold after every command of a walkthrough, on the cluster it has built so far. Each check
/// returns the problems it finds as sentences; none means the point is sound.
/// </summary>
public static partial class WalkthroughChecks
{
    /// <summary>The pictures of docs/istio-walkthrough.md, read once.</summary>
    public static readonly Lazy<List<(string Step, HashSet<string> Edges)>> Pictures = new(Routing.PictureTests.Pictures);

    public static IEnumerable<string> All(ClusterModel cluster, bool canaryOver, string? pictureAfter) =>
        (pictureAfter is null ? [] : Picture(cluster, pictureAfter))
            .Concat(References(cluster))
            .Concat(RouteReferences(cluster))
            .Concat(MeshMembership(cluster))
            .Concat(GatewaySelectors(cluster))
            .Concat(Identities(cluster))
            .Concat(InClusterUrls(cluster))
            .Concat(canaryOver ? FaultsAndMirrors(cluster) : [])
            .Concat(AmbientProbes(cluster))
            .Concat(Visitors(cluster));

    /// <summary>
    /// The routing tests' promise at this point of the walkthrough (<see cref="Routing.VisitorChecks"/>): a visitor's
    /// votes and results come from one store, and no write is re-sent after it may have been applied; with the
    /// mesh-wide retry policy the control plane was installed with. The Istio track's routes are evaluated by
    /// <see cref="Routing.MeshRouter"/>, the Gateway API track's by <see cref="GatewayApi.GatewayRouter"/> (ambient
    /// when namespace voting is). The Flagger track's routes are Flagger's own (it generates them from the
    /// Canaries), which no model here computes, so its states are not checked. Results are cached by what the
    /// evaluators read: the mutation test meets the same namespace many times.
    /// </summary>
    public static IEnumerable<string> Visitors(ClusterModel cluster)
    {
        if (cluster.Istio is not { } istio || !cluster.HasNamespace("voting")) return [];
        var objects = cluster.InNamespace("voting").ToList();
        if (objects.Any(o => o.Kind == "Canary")) return [];
        var gatewayApi = objects.Any(o => o.ApiVersion.StartsWith("gateway.networking.k8s.io/", StringComparison.Ordinal));
        var ambient = cluster.Labels("voting").GetValueOrDefault("istio.io/dataplane-mode") == "ambient";
        var key = string.Join("\n", objects.Select(o => o.Json.ToJsonString()).Order(StringComparer.Ordinal)
            .Prepend($"{cluster.Platform.Name} {gatewayApi} {ambient} {istio.DefaultHttpRetryPolicy?.ToJsonString()}"));
        return VisitorResults.GetOrAdd(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key))), _ =>
        {
            try
            {
                return gatewayApi
                    ? Routing.VisitorChecks.Problems(new GatewayApi.GatewayRouter(cluster.Voting, ambient ? GatewayApi.DataPlane.Ambient : GatewayApi.DataPlane.Sidecar, istio.DefaultHttpRetryPolicy)).ToList()
                    : Routing.VisitorChecks.Problems(new Routing.CallGraph(new Routing.MeshRouter(cluster.Voting, istio.DefaultHttpRetryPolicy))).ToList();
            }
            catch (Routing.RoutingException e)
            {
                return [$"a visitor's requests cannot be routed: {e.Message}"];
            }
        }).Select(problem => $"visitors: {problem}");
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<string>> VisitorResults = new();

    /// <summary>
    /// The picture docs/istio-walkthrough.md draws after a step has the edges the routing evaluator computes
    /// for the cluster the walkthrough's commands built (<see cref="Routing.PictureTests"/> does the same for the
    /// step files alone).
    /// </summary>
    public static IEnumerable<string> Picture(ClusterModel cluster, string stepFile)
    {
        var drawn = Pictures.Value.Single(p => p.Step == stepFile).Edges;
        HashSet<string> computed;
        try
        {
            computed = Routing.PictureTests.ComputedEdges(new Routing.CallGraph(new Routing.MeshRouter(cluster.Voting)));
        }
        catch (Routing.RoutingException e)
        {
            return [$"after {stepFile} the routes do not work: {e.Message}"];
        }

        return drawn.Except(computed).Select(edge => $"the picture after {stepFile} draws {edge}, which nothing routes")
            .Concat(computed.Except(drawn).Select(edge => $"the picture after {stepFile} lacks {edge}, which is routed"));
    }

    /// <summary>
    /// What the routes of namespace voting name exists: Istio's subsets, hosts and Gateways
    /// (<see cref="CrossReferences"/>), every Service selects pods, and every HTTPRoute's parents and backends exist.
    /// </summary>
    public static IEnumerable<string> RouteReferences(ClusterModel cluster)
    {
        if (!cluster.HasNamespace("voting")) return [];
        var state = cluster.Voting;
        return CrossReferences.SubsetsMissing(state)
            .Concat(CrossReferences.EmptySubsets(state))
            .Concat(CrossReferences.UnknownHosts(state))
            .Concat(CrossReferences.ServicesWithoutPods(state))
            .Concat(HttpRouteReferences(cluster));
    }

    private static IEnumerable<string> HttpRouteReferences(ClusterModel cluster)
    {
        foreach (var (ns, route) in cluster.Objects.Where(o => o.Document.Kind == "HTTPRoute"))
        {
            foreach (var parent in Items(ClusterModel.Path(route.Json, "spec", "parentRefs")))
            {
                var kind = parent["kind"]?.GetValue<string>() ?? "Gateway";
                if (!cluster.Exists(parent["namespace"]?.GetValue<string>() ?? ns, kind, parent["name"]!.GetValue<string>())) yield return $"{ns}/{route.Key}: parent {kind} {parent["name"]} does not exist";
            }

            foreach (var backend in Items(ClusterModel.Path(route.Json, "spec", "rules")).SelectMany(r => Items(r["backendRefs"])))
            {
                var kind = backend["kind"]?.GetValue<string>() ?? "Service";
                if (!cluster.Exists(backend["namespace"]?.GetValue<string>() ?? ns, kind, backend["name"]!.GetValue<string>())) yield return $"{ns}/{route.Key}: backend {kind} {backend["name"]} does not exist";
            }
        }
    }

    /// <summary>Pod templates of the workloads (Deployments, StatefulSets, bare Pods) of every namespace.</summary>
    private static IEnumerable<(string Namespace, ManifestDocument Document, JsonObject PodSpec)> PodSpecs(ClusterModel cluster) =>
        cluster.Objects.Select(o => (o.Namespace, o.Document, Spec: o.Document.Kind switch
        {
            "Deployment" or "StatefulSet" => ClusterModel.Path(o.Document.Json, "spec", "template", "spec") as JsonObject,
            "Pod" => ClusterModel.Path(o.Document.Json, "spec") as JsonObject,
            _ => null,
        })).Where(o => o.Spec is not null).Select(o => (o.Namespace, o.Document, o.Spec!));

    /// <summary>Every ServiceAccount, claim, Secret and ConfigMap a pod names exists in its namespace, with the keys it reads; every Canary's target exists.</summary>
    public static IEnumerable<string> References(ClusterModel cluster)
    {
        foreach (var (ns, workload, spec) in PodSpecs(cluster))
        {
            var account = spec["serviceAccountName"]?.GetValue<string>() ?? "default";
            if (account != "default" && !cluster.Exists(ns, "ServiceAccount", account)) yield return $"{ns}/{workload.Key}: ServiceAccount {account} does not exist";
            foreach (var volume in Items(spec["volumes"]))
            {
                if (ClusterModel.Path(volume, "persistentVolumeClaim", "claimName")?.GetValue<string>() is { } claim && !cluster.Exists(ns, "PersistentVolumeClaim", claim))
                {
                    yield return $"{ns}/{workload.Key}: PersistentVolumeClaim {claim} does not exist";
                }

                var sources = new[] { volume }.Concat(Items(ClusterModel.Path(volume, "projected", "sources")));
                foreach (var source in sources)
                {
                    foreach (var problem in KeysRead(cluster, ns, workload, "Secret", source["secret"], "secretName")) yield return problem;
                    foreach (var problem in KeysRead(cluster, ns, workload, "ConfigMap", source["configMap"], "name")) yield return problem;
                }
            }

            foreach (var container in Items(spec["containers"]).Concat(Items(spec["initContainers"])))
            {
                foreach (var env in Items(container["env"]))
                {
                    foreach (var problem in KeyRead(cluster, ns, workload, "Secret", ClusterModel.Path(env, "valueFrom", "secretKeyRef"))) yield return problem;
                    foreach (var problem in KeyRead(cluster, ns, workload, "ConfigMap", ClusterModel.Path(env, "valueFrom", "configMapKeyRef"))) yield return problem;
                }

                foreach (var from in Items(container["envFrom"]))
                {
                    foreach (var (kind, field) in new[] { ("Secret", "secretRef"), ("ConfigMap", "configMapRef") })
                    {
                        if (from[field] is JsonObject reference && reference["optional"]?.GetValue<bool>() != true && !cluster.Exists(ns, kind, reference["name"]!.GetValue<string>()))
                        {
                            yield return $"{ns}/{workload.Key}: {kind} {reference["name"]} does not exist";
                        }
                    }
                }
            }
        }

        foreach (var (ns, canary) in cluster.Objects.Where(o => o.Document.Kind == "Canary"))
        {
            foreach (var field in new[] { "targetRef", "autoscalerRef" })
            {
                if (ClusterModel.Path(canary.Json, "spec", field) is JsonObject target && !cluster.Exists(ns, target["kind"]!.GetValue<string>(), target["name"]!.GetValue<string>()))
                {
                    yield return $"{ns}/{canary.Key}: its {field} {target["kind"]}/{target["name"]} does not exist";
                }
            }
        }
    }

    private static IEnumerable<string> KeysRead(ClusterModel cluster, string ns, ManifestDocument workload, string kind, JsonNode? volume, string nameField)
    {
        if (volume is not JsonObject source || source["optional"]?.GetValue<bool>() == true) yield break;
        var name = source[nameField]!.GetValue<string>();
        var found = cluster.Exists(ns, kind, name);
        if (!found) yield return $"{ns}/{workload.Key}: {kind} {name} (volume) does not exist";
        else foreach (var key in Items(source["items"]).Select(i => i["key"]!.GetValue<string>()).Where(key => !HasKey(cluster.Find(ns, kind, name), key)))
        {
            yield return $"{ns}/{workload.Key}: {kind} {name} has no key {key} (volume)";
        }
    }

    private static IEnumerable<string> KeyRead(ClusterModel cluster, string ns, ManifestDocument workload, string kind, JsonNode? reference)
    {
        if (reference is not JsonObject r || r["optional"]?.GetValue<bool>() == true) yield break;
        var (name, key) = (r["name"]!.GetValue<string>(), r["key"]!.GetValue<string>());
        if (!cluster.Exists(ns, kind, name)) yield return $"{ns}/{workload.Key}: {kind} {name} does not exist";
        else if (!HasKey(cluster.Find(ns, kind, name), key)) yield return $"{ns}/{workload.Key}: {kind} {name} has no key {key}";
    }

    /// <summary>An object made by an installer is kept by name only: its keys are not known, so taken as present.</summary>
    private static bool HasKey(ManifestDocument? document, string key) =>
        document is null || document.Json["data"]?[key] is not null || document.Json["stringData"]?[key] is not null;

    /// <summary>
    /// The pods of namespace voting get the mesh: a control plane is installed, and the namespace carries the
    /// label it injects by (the AKS add-on only by istio.io/rev, learn.microsoft.com/azure/aks/istio-deploy-addon),
    /// or the ambient label with an ambient control plane.
    /// </summary>
    public static IEnumerable<string> MeshMembership(ClusterModel cluster)
    {
        if (!cluster.HasNamespace("voting") || !PodSpecs(cluster).Any(p => p.Namespace == "voting")) yield break;
        var labels = cluster.Labels("voting");
        var istio = cluster.Istio;
        var ambient = labels.GetValueOrDefault("istio.io/dataplane-mode") == "ambient";
        var injected = labels.ContainsKey("istio.io/rev") || (istio is { RevisionOnly: false } && labels.GetValueOrDefault("istio-injection") == "enabled");
        if (istio is null) yield return "no Istio control plane: the pods of voting run outside the mesh";
        else if (ambient ? !istio.Ambient : !injected)
        {
            yield return $"namespace voting ({string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"))}) is not in the mesh of the control plane in {istio.Namespace}" +
                         (istio.RevisionOnly ? " (it injects only by istio.io/rev)" : "");
        }
    }

    /// <summary>Every Istio Gateway selects the pods of an ingress gateway installed on this cluster.</summary>
    public static IEnumerable<string> GatewaySelectors(ClusterModel cluster)
    {
        foreach (var (ns, gateway) in cluster.Objects.Where(o => o.Document.Kind == "Gateway" && o.Document.ApiVersion.StartsWith("networking.istio.io/", StringComparison.Ordinal)))
        {
            var selector = Workload.Labels(ClusterModel.Path(gateway.Json, "spec", "selector"));
            if (!cluster.Gateways.Any(g => selector.All(s => g.PodLabels.TryGetValue(s.Key, out var v) && v == s.Value)))
            {
                yield return $"{ns}/{gateway.Key}: its selector {string.Join(",", selector.Select(s => $"{s.Key}={s.Value}"))} matches no ingress gateway on this cluster " +
                             $"({string.Join("; ", cluster.Gateways.Select(g => string.Join(",", g.PodLabels.Select(l => $"{l.Key}={l.Value}"))))})";
            }
        }
    }

    /// <summary>Every principal an AuthorizationPolicy admits is a ServiceAccount that exists (a gateway's, or one of a namespace).</summary>
    public static IEnumerable<string> Identities(ClusterModel cluster)
    {
        foreach (var (ns, policy) in cluster.Objects.Where(o => o.Document.Kind == "AuthorizationPolicy"))
        {
            var principals = Items(ClusterModel.Path(policy.Json, "spec", "rules"))
                .SelectMany(rule => Items(rule["from"]))
                .SelectMany(from => ClusterModel.Path(from, "source", "principals")?.AsArray().Select(p => p!.GetValue<string>()) ?? []);
            foreach (var principal in principals)
            {
                var parts = Principal().Match(principal);
                if (!parts.Success) yield return $"{ns}/{policy.Key}: principal {principal} is not cluster.local/ns/<namespace>/sa/<account>";
                else if (!cluster.Exists(parts.Groups[1].Value, "ServiceAccount", parts.Groups[2].Value))
                {
                    yield return $"{ns}/{policy.Key}: principal {principal} is no ServiceAccount on this cluster";
                }
            }
        }
    }

    /// <summary>Every in-cluster URL a pod or a Flagger object is given names a Service that exists (the load generators' TARGET_URL, the metrics' Prometheus, the webhooks).</summary>
    public static IEnumerable<string> InClusterUrls(ClusterModel cluster)
    {
        var sources = PodSpecs(cluster)
            .SelectMany(p => Items(p.PodSpec["containers"]).SelectMany(c => Items(c["env"]))
                .Select(e => (p.Namespace, p.Document, Text: e["value"]?.GetValue<string>() ?? "")))
            .Concat(cluster.Objects.Where(o => o.Document.Kind is "MetricTemplate" or "Canary").Select(o => (o.Namespace, o.Document, Text: o.Document.Json.ToJsonString())));
        foreach (var (ns, document, text) in sources)
        {
            foreach (Match url in InClusterUrl().Matches(text))
            {
                var (service, target) = (url.Groups[1].Value, url.Groups[2].Success ? url.Groups[2].Value : ns);
                if (!cluster.Exists(target, "Service", service)) yield return $"{ns}/{document.Key}: {url.Value} names Service {service} in namespace {target}, which does not exist";
            }
        }
    }

    /// <summary>
    /// The optional faults and mirrors (istio/step-3f, step-3m) belong to the canary: once istio step 4 has
    /// sent everyone to 2.0, no VirtualService may still fault or mirror a request.
    /// </summary>
    public static IEnumerable<string> FaultsAndMirrors(ClusterModel cluster)
    {
        foreach (var (ns, service) in cluster.Objects.Where(o => o.Document.Kind == "VirtualService"))
        {
            foreach (var (route, index) in Items(ClusterModel.Path(service.Json, "spec", "http")).Select((r, i) => (r, i)))
            {
                foreach (var field in new[] { "fault", "mirror", "mirrors" }.Where(route.ContainsKey))
                {
                    yield return $"{ns}/{service.Key}: http[{index}] still has `{field}` after istio step 4 ({service.File})";
                }
            }
        }
    }

    /// <summary>
    /// In ambient mode kubelet's probes arrive from 169.254.7.127, so every NetworkPolicy that selects a pod
    /// must admit that address on each port the pod is probed on (istio.io/latest/docs/ambient/usage/networkpolicy).
    /// </summary>
    public static IEnumerable<string> AmbientProbes(ClusterModel cluster) =>
        cluster.Namespaces.Where(ns => cluster.Labels(ns).GetValueOrDefault("istio.io/dataplane-mode") == "ambient")
            .SelectMany(ns => ProbesRefused(cluster.State(ns)).Select(refused => $"{ns}: {refused}"));

    private static List<string> ProbesRefused(ClusterState state)
    {
        try
        {
            return [.. Routing.NetworkPolicies.ProbesRefused(state)
                .Select(refused => $"{refused} is probed, but no NetworkPolicy selecting it admits {Routing.NetworkPolicies.AmbientProbeSource} there")];
        }
        catch (NotSupportedException e)
        {
            return [$"a NetworkPolicy the model does not read: {e.Message}"];
        }
    }

    [GeneratedRegex(@"^cluster\.local/ns/([^/]+)/sa/([^/]+)$")]
    private static partial Regex Principal();

    /// <summary>http://service.namespace[.svc[.cluster.local]][:port]/… (a bare service name means the pod's own namespace).</summary>
    [GeneratedRegex(@"https?://([a-z0-9-]+)(?:\.([a-z0-9-]+))?(?:\.svc(?:\.cluster\.local)?)?(?::\d+)?(?=[/""\s]|$)")]
    private static partial Regex InClusterUrl();
}
