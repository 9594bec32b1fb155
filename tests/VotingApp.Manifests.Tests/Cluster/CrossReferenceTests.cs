using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Platforms;

namespace VotingApp.Manifests.Tests.Cluster;

/// <summary>
/// After every step of the walkthrough (the files applied so far, in order), everything one object
/// names exists: subsets, the pods they select, ports, Secrets and their keys, ServiceAccounts, volumes.
/// For the step files as they are and for every platform's kustomize variant of them.
/// </summary>
public sealed class CrossReferenceTests
{
    /// <summary>1 = after the first step, ...; the step's file is in every failure message.</summary>
    public static TheoryData<int> StepCounts() => new(Enumerable.Range(1, ManifestFiles.Steps.Count));

    /// <summary>Each platform (the plain files and every variant) with each step count.</summary>
    public static TheoryData<string, int> PlatformSteps()
    {
        var data = new TheoryData<string, int>();
        foreach (var platform in Platform.All)
        {
            foreach (var steps in Enumerable.Range(1, ManifestFiles.Steps.Count)) data.Add(platform.Name, steps);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PlatformSteps))]
    public void Every_virtual_service_subset_exists_in_a_destination_rule(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        var missing = new List<string>();
        foreach (var service in state.OfKind("VirtualService"))
        {
            foreach (var destination in Subsets.Destinations(service.Json))
            {
                var host = destination["host"]!.GetValue<string>();
                if (destination["subset"]?.GetValue<string>() is not { } subset) continue;
                var rule = state.OfKind("DestinationRule").SingleOrDefault(r => r.Json["spec"]!["host"]!.GetValue<string>() == host);
                if (rule is null || !ClusterState.Items(rule.Json["spec"]!["subsets"]).Any(s => s["name"]!.GetValue<string>() == subset))
                {
                    missing.Add($"{service}: subset {host}/{subset}");
                }
            }
        }

        AssertNone(platform, steps, missing);
    }

    [Theory]
    [MemberData(nameof(PlatformSteps))]
    public void Every_subset_selects_pods_of_its_service(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        var empty = new List<string>();
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
                    empty.Add($"{rule}: subset {subset["name"]} selects no pods of Service {host}");
                }
            }
        }

        AssertNone(platform, steps, empty);
    }

    [Theory]
    [MemberData(nameof(PlatformSteps))]
    public void Every_destination_host_is_a_service_with_that_port(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        var wrong = new List<string>();
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
                    wrong.Add($"{document}: {host}:{port} is not a Service port");
                }
            }
        }

        foreach (var service in state.OfKind("VirtualService"))
        {
            foreach (var gateway in (service.Json["spec"]!["gateways"]?.AsArray() ?? []).Select(g => g!.GetValue<string>()))
            {
                if (gateway != "mesh" && state.Find("Gateway", gateway) is null) wrong.Add($"{service}: no Gateway {gateway}");
            }
        }

        AssertNone(platform, steps, wrong);
    }

    [Theory]
    [MemberData(nameof(PlatformSteps))]
    public void Every_service_selects_pods_with_its_target_port(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        var wrong = new List<string>();
        foreach (var service in state.OfKind("Service"))
        {
            var selector = Workload.Labels(service.Json["spec"]!["selector"]);
            var pods = state.Workloads.Where(w => w.HasLabels(selector)).ToList();
            if (pods.Count == 0) wrong.Add($"{service}: selects no pods");
            foreach (var port in ClusterState.Items(service.Json["spec"]!["ports"]))
            {
                var target = port["targetPort"] ?? port["port"];
                foreach (var pod in pods.Where(p => !p.Containers.Any(c => HasPort(c, target!))))
                {
                    wrong.Add($"{service}: {pod.Name} has no container port {target}");
                }
            }
        }

        AssertNone(platform, steps, wrong);
    }

    [Theory]
    [MemberData(nameof(PlatformSteps))]
    public void Every_secret_key_service_account_and_volume_claim_exists(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        var missing = new List<string>();
        foreach (var workload in state.Workloads)
        {
            if (state.Find("ServiceAccount", workload.ServiceAccount) is null) missing.Add($"{workload}: ServiceAccount {workload.ServiceAccount}");
            foreach (var claim in workload.Volumes.Select(v => v["persistentVolumeClaim"]?["claimName"]?.GetValue<string>()).OfType<string>())
            {
                if (state.Find("PersistentVolumeClaim", claim) is null) missing.Add($"{workload}: PersistentVolumeClaim {claim}");
            }

            foreach (var reference in workload.Containers.SelectMany(c => ClusterState.Items(c["env"]))
                         .Select(e => e["valueFrom"]?["secretKeyRef"]).OfType<JsonObject>())
            {
                var name = reference["name"]!.GetValue<string>();
                var key = reference["key"]!.GetValue<string>();
                var secret = state.Find("Secret", name)?.Json;
                if (secret?["stringData"]?[key] is null && secret?["data"]?[key] is null) missing.Add($"{workload}: Secret {name} key {key}");
            }

            foreach (var volume in workload.Volumes.Select(v => v["secret"]).OfType<JsonObject>())
            {
                var name = volume["secretName"]!.GetValue<string>();
                var secret = state.Find("Secret", name)?.Json;
                foreach (var key in ClusterState.Items(volume["items"]).Select(i => i["key"]!.GetValue<string>()))
                {
                    if (secret?["stringData"]?[key] is null && secret?["data"]?[key] is null) missing.Add($"{workload}: Secret {name} key {key} (volume)");
                }
            }
        }

        AssertNone(platform, steps, missing);
    }

    [Theory]
    [MemberData(nameof(PlatformSteps))]
    public void Every_authorization_policy_names_existing_identities(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        var missing = new List<string>();
        foreach (var policy in state.OfKind("AuthorizationPolicy"))
        {
            var principals = ClusterState.Items(policy.Json["spec"]!["rules"])
                .SelectMany(rule => ClusterState.Items(rule["from"]))
                .SelectMany(from => from["source"]!["principals"]!.AsArray().Select(p => p!.GetValue<string>()));
            foreach (var principal in principals.Where(p => p.StartsWith("cluster.local/ns/voting/sa/", StringComparison.Ordinal)))
            {
                if (state.Find("ServiceAccount", principal.Split('/')[^1]) is null) missing.Add($"{policy}: {principal}");
            }
        }

        AssertNone(platform, steps, missing);
    }

    private static bool HasPort(JsonObject container, JsonNode target) =>
        ClusterState.Items(container["ports"]).Any(port => target.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? port["name"]?.GetValue<string>() == target.GetValue<string>()
            : port["containerPort"]!.GetValue<int>() == target.GetValue<int>());

    private static void AssertNone(string platform, int steps, List<string> problems) =>
        Assert.True(problems.Count == 0, $"{platform}, after {ManifestFiles.Steps[steps - 1]}:\n" + string.Join("\n", problems));
}
