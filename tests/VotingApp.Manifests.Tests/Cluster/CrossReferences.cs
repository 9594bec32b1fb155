using System.Text.Json.Nodes;

namespace VotingApp.Manifests.Tests.Cluster;

/// <summary>
/// What one object of namespace voting names and must exist: subsets, the pods they select, Services and
/// their ports, Gateways. Each returns its problems as sentences (none: every reference holds).
/// </summary>
public static class CrossReferences
{
    /// <summary>Every subset a VirtualService names is in the DestinationRule of its host.</summary>
    public static IEnumerable<string> SubsetsMissing(ClusterState state)
    {
        foreach (var service in state.OfKind("VirtualService"))
        {
            foreach (var destination in Subsets.Destinations(service.Json))
            {
                var host = destination["host"]!.GetValue<string>();
                if (destination["subset"]?.GetValue<string>() is not { } subset) continue;
                var rule = state.OfKind("DestinationRule").SingleOrDefault(r => r.Json["spec"]!["host"]!.GetValue<string>() == host);
                if (rule is null || !ClusterState.Items(rule.Json["spec"]!["subsets"]).Any(s => s["name"]!.GetValue<string>() == subset))
                {
                    yield return $"{service}: subset {host}/{subset}";
                }
            }
        }
    }

    /// <summary>Every DestinationRule subset selects pods of its Service.</summary>
    public static IEnumerable<string> EmptySubsets(ClusterState state)
    {
        foreach (var rule in state.OfKind("DestinationRule"))
        {
            var host = rule.Json["spec"]!["host"]!.GetValue<string>();
            var service = state.Find("Service", host);
            foreach (var subset in ClusterState.Items(rule.Json["spec"]!["subsets"]))
            {
                var labels = Workload.Labels(subset["labels"]);
                var selector = service is null ? labels : Workload.Labels(service.Json["spec"]!["selector"]).Concat(labels)
                    .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
                if (service is null || !state.Workloads.Any(w => w.HasLabels(selector)))
                {
                    yield return $"{rule}: subset {subset["name"]} selects no pods of Service {host}";
                }
            }
        }
    }

    /// <summary>Every VirtualService destination is a Service with that port; every Gateway a VirtualService binds to exists.</summary>
    public static IEnumerable<string> UnknownHosts(ClusterState state)
    {
        foreach (var document in state.OfKind("VirtualService").Concat(state.OfKind("DestinationRule")))
        {
            var hosts = document.Kind == "DestinationRule"
                ? [(document.Json["spec"]!["host"]!.GetValue<string>(), (int?)null)]
                : Subsets.Destinations(document.Json).Select(d => (d["host"]!.GetValue<string>(), d["port"]?["number"]?.GetValue<int>()));
            foreach (var (host, port) in hosts)
            {
                var service = state.Find("Service", host);
                var ports = ClusterState.Items(service?.Json["spec"]!["ports"]).Select(p => p["port"]!.GetValue<int>());
                // A DestinationRule may be applied before its Service exists (MySQL's comes with istio step 2).
                if (document.Kind == "VirtualService" && (service is null || (port is { } number && !ports.Contains(number))))
                {
                    yield return $"{document}: {host}:{port} is not a Service port";
                }
            }
        }

        foreach (var service in state.OfKind("VirtualService"))
        {
            foreach (var gateway in (service.Json["spec"]!["gateways"]?.AsArray() ?? []).Select(g => g!.GetValue<string>()))
            {
                if (gateway != "mesh" && state.Find("Gateway", gateway) is null) yield return $"{service}: no Gateway {gateway}";
            }
        }
    }

    /// <summary>Every Service selects pods, and they have its target port.</summary>
    public static IEnumerable<string> ServicesWithoutPods(ClusterState state)
    {
        foreach (var service in state.OfKind("Service"))
        {
            var selector = Workload.Labels(service.Json["spec"]!["selector"]);
            var pods = state.Workloads.Where(w => w.HasLabels(selector)).ToList();
            if (pods.Count == 0) yield return $"{service}: selects no pods";
            foreach (var port in ClusterState.Items(service.Json["spec"]!["ports"]))
            {
                var target = port["targetPort"] ?? port["port"];
                foreach (var pod in pods.Where(p => !p.Containers.Any(c => HasPort(c, target!))))
                {
                    yield return $"{service}: {pod.Name} has no container port {target}";
                }
            }
        }
    }

    private static bool HasPort(JsonObject container, JsonNode target) =>
        ClusterState.Items(container["ports"]).Any(port => target.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? port["name"]?.GetValue<string>() == target.GetValue<string>()
            : port["containerPort"]!.GetValue<int>() == target.GetValue<int>());
}
