using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Schemas;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>
/// The files of the Gateway API track: every document, as each step applies it in each mode, against the
/// Gateway API v1.5.1 CRDs (what Istio 1.30 is built against), Istio's and Kubernetes' schemas, made strict;
/// yamllint; and every name a route gives (parent, backend Service, its port, its pods) exists at every step.
/// </summary>
public sealed class GatewayApiFileTests
{
    [SchemaTheory]
    [MemberData(nameof(GatewayApiTrack.ModeSteps), MemberType = typeof(GatewayApiTrack))]
    public void Every_document_of_every_step_matches_its_schema(string mode, int step)
    {
        var rollout = GatewayApiTrack.Steps[step - 1];
        var documents = GatewayApiTrack.Read(rollout, DataPlane.Named(mode));
        Assert.NotEmpty(documents);
        var problems = rollout.Delete ? [] : documents.SelectMany(d => SchemaSet.Validate(d.Json).Select(p => $"{d}: {p}")).ToList();
        Assert.True(problems.Count == 0, $"{mode}, {rollout}:\n" + string.Join("\n", problems));
    }

    [SchemaFact]
    public void The_schemas_are_the_gateway_api_v1_5_1_standard_channel()
    {
        var crd = File.ReadAllText(Path.Combine(SchemaFolder.GatewayApiCrds, "gateway.networking.k8s.io_httproutes.yaml"));
        Assert.Contains("gateway.networking.k8s.io/bundle-version: v1.5.1", crd);
        Assert.Contains("gateway.networking.k8s.io/channel: standard", crd);
        // No session persistence in this channel: the sticky canary cannot rely on it (step 3c says so).
        Assert.DoesNotContain("sessionPersistence", crd);
        // No per-rule retry either: the retries of every route come from the mesh (gateway-api/mesh-config.yaml).
        Assert.DoesNotContain("retry:", crd);
    }

    [SchemaFact]
    public void A_misspelt_route_field_or_an_unknown_match_type_fails()
    {
        var route = ManifestFile.Read("gateway-api/step-3b-route-the-featureflag-cookie-to-2.0.yaml").Single(d => d.Kind == "HTTPRoute").Json.DeepClone().AsObject();
        var rule = route["spec"]!["rules"]![0]!.AsObject();
        rule["backendRef"] = rule["backendRefs"]!.DeepClone();
        Assert.Contains(SchemaSet.Validate(route), p => p.Contains("backendRef", StringComparison.Ordinal));
        rule.Remove("backendRef");
        rule["matches"]![0]!["headers"]![0]!["type"] = "Regex";
        Assert.NotEmpty(SchemaSet.Validate(route));
    }

    [Fact]
    public async Task Yamllint_passes_on_every_gateway_api_file()
    {
        var files = Directory.EnumerateFiles(RepositoryPaths.Combine("gateway-api"), "*.yaml", SearchOption.AllDirectories).ToArray();
        Assert.True(files.Length > 10, string.Join(", ", files));
        using var lint = ChildProcess.Start("yamllint", ["-c", RepositoryPaths.Combine(".yamllint"), "-f", "parsable", "--strict", .. files]);
        Assert.True(await lint.WaitForExitAsync(TimeSpan.FromMinutes(2)), "yamllint did not finish");
        Assert.True(lint.ExitCode == 0, lint.Output);
    }

    [Theory]
    [MemberData(nameof(GatewayApiTrack.ModeSteps), MemberType = typeof(GatewayApiTrack))]
    public void Every_parent_and_backend_of_every_route_exists_and_every_backend_selects_pods(string mode, int steps)
    {
        var state = GatewayApiTrack.After(steps, DataPlane.Named(mode));
        var wrong = new List<string>();
        foreach (var route in state.OfKind("HTTPRoute"))
        {
            foreach (var parent in ClusterState.Items(route.Json["spec"]!["parentRefs"]))
            {
                var kind = parent["kind"]?.GetValue<string>() ?? "Gateway";
                if (state.Find(kind, parent["name"]!.GetValue<string>()) is null) wrong.Add($"{route}: no {kind} {parent["name"]}");
            }

            foreach (var backend in ClusterState.Items(route.Json["spec"]!["rules"]).SelectMany(r => ClusterState.Items(r["backendRefs"])))
            {
                var name = backend["name"]!.GetValue<string>();
                var service = state.Find("Service", name);
                if (service is null)
                {
                    wrong.Add($"{route}: no Service {name}");
                    continue;
                }

                if (!ClusterState.Items(service.Json["spec"]!["ports"]).Any(p => p["port"]!.GetValue<int>() == backend["port"]!.GetValue<int>())) wrong.Add($"{route}: {name} has no port {backend["port"]}");
                var selector = Workload.Labels(service.Json["spec"]!["selector"]);
                if (!state.Workloads.Any(w => w.Replicas > 0 && w.HasLabels(selector))) wrong.Add($"{route}: {name} selects no pods");
            }
        }

        // Every per-version Service selects exactly its version's pods.
        foreach (var service in state.OfKind("Service").Where(s => s.Json["spec"]!["selector"]?["version"] is not null))
        {
            var selector = Workload.Labels(service.Json["spec"]!["selector"]);
            var versions = state.Workloads.Where(w => w.HasLabels(selector)).Select(w => w.Version).Distinct().ToList();
            if (versions.Count != 1 || service.Name != $"{selector["app"]}-{selector["version"].Replace('.', '-')}") wrong.Add($"{service}: selects {string.Join(",", versions)}");
        }

        Assert.True(wrong.Count == 0, $"{mode}, after {GatewayApiTrack.Steps[steps - 1]}:\n" + string.Join("\n", wrong));
    }

    /// <summary>Kustomize renders every folder of the track (the same kubectl the walkthrough uses).</summary>
    [Fact]
    public void The_ambient_variants_are_the_only_folders_besides_step_2b()
    {
        var folders = Directory.EnumerateFiles(RepositoryPaths.Combine("gateway-api"), "kustomization.yaml", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepositoryPaths.Root, Path.GetDirectoryName(p)!).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            new[] { "gateway-api/ambient/component" }.Concat(GatewayApiTrack.AmbientVariants.Values).Append("gateway-api/step-2b-authorization").Order(StringComparer.Ordinal),
            folders);
        var mixed = ManifestFile.Read("gateway-api/ambient/component/kustomization.yaml").Single().Json;
        Assert.Equal("Component", mixed["kind"]!.GetValue<string>());
        Assert.Null(mixed["resources"]);
    }
}
