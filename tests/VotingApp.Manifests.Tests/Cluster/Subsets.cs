using System.Text.Json.Nodes;

namespace VotingApp.Manifests.Tests.Cluster;

/// <summary>The subsets the VirtualServices of a state route to: each must be defined and select pods.</summary>
public static class Subsets
{
    /// <summary>Every destination of every http route of a VirtualService.</summary>
    public static IEnumerable<JsonObject> Destinations(JsonObject virtualService) =>
        ClusterState.Items(virtualService["spec"]!["http"])
            .SelectMany(route => ClusterState.Items(route["route"]))
            .Select(route => route["destination"]!.AsObject());

    /// <summary>"VirtualService/x routes to missing subset y", "... to subset y, which selects no pods".</summary>
    public static IEnumerable<string> Problems(ClusterState state)
    {
        foreach (var service in state.OfKind("VirtualService"))
        {
            foreach (var destination in Destinations(service.Json))
            {
                if (destination["subset"]?.GetValue<string>() is not { } subset) continue;
                var host = destination["host"]!.GetValue<string>();
                var rule = state.OfKind("DestinationRule").SingleOrDefault(r => r.Json["spec"]!["host"]!.GetValue<string>() == host);
                var definition = ClusterState.Items(rule?.Json["spec"]!["subsets"]).FirstOrDefault(s => s["name"]!.GetValue<string>() == subset);
                if (definition is null)
                {
                    yield return $"{service} routes to missing subset {host}/{subset}";
                    continue;
                }

                var selector = Workload.Labels(state.Find("Service", host)?.Json["spec"]!["selector"]).Concat(Workload.Labels(definition["labels"]))
                    .GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
                if (!state.Workloads.Any(w => w.Replicas > 0 && w.HasLabels(selector))) yield return $"{service} routes to subset {host}/{subset}, which selects no pods";
            }
        }
    }
}
