using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Platforms;
using VotingApp.Manifests.Tests.Routing;
using VotingApp.Manifests.Tests.Schemas;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Flagger;

/// <summary>
/// flagger/: every Canary and MetricTemplate matches Flagger's CRDs made strict, and everything a Canary names
/// exists in the files: its Deployment, autoscaler, port, metric templates, gateway, load tester and the pods
/// its sourceLabels select. The release changes only what Flagger is meant to see.
/// </summary>
public sealed class FlaggerManifestTests
{
    private static readonly string[] Chain = ["voting-app", "voting-analytics", "voting-storage"];

    public static TheoryData<string> ObjectFiles() => new(FlaggerTrack.ObjectFiles());

    [SchemaTheory]
    [MemberData(nameof(ObjectFiles))]
    public void Every_document_matches_its_schema(string file)
    {
        var problems = ManifestFile.Read(file).SelectMany(d => SchemaSet.Validate(d.Json).Select(p => $"{d}: {p}")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [SchemaTheory]
    [MemberData(nameof(FlaggerTrack.AppliedFolders), MemberType = typeof(FlaggerTrack))]
    public void Every_rendered_document_matches_its_schema(string folder)
    {
        var documents = FlaggerTrack.Render(folder);
        Assert.Contains(documents, d => d.Kind == "Canary");
        Assert.Contains(documents, d => d.Kind == "MetricTemplate");
        var problems = documents.SelectMany(d => SchemaSet.Validate(d.Json).Select(p => $"{d}: {p}")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [SchemaFact]
    public void A_misspelt_canary_field_fails()
    {
        var canary = Canary("voting-app").Json.DeepClone().AsObject();
        canary["spec"]!["analysis"]!["iteration"] = 6;
        var problems = SchemaSet.Validate(canary);
        Assert.Contains(problems, p => p.Contains("iteration", StringComparison.Ordinal));
        var template = FlaggerTrack.Render(FlaggerTrack.Stable).First(d => d.Kind == "MetricTemplate").Json.DeepClone().AsObject();
        template["spec"]!["provider"]!["type"] = "prometheus2";
        Assert.NotEmpty(SchemaSet.Validate(template));
    }

    [Theory]
    [MemberData(nameof(FlaggerTrack.AppliedFolders), MemberType = typeof(FlaggerTrack))]
    public void Every_object_a_canary_names_exists(string folder)
    {
        var state = FlaggerTrack.State(folder);
        var missing = new List<string>();
        var canaries = state.OfKind("Canary").ToList();
        Assert.Equal(Chain.Order(StringComparer.Ordinal), canaries.Select(c => c.Name).Order(StringComparer.Ordinal));
        foreach (var canary in canaries)
        {
            var spec = canary.Json["spec"]!;
            var target = spec["targetRef"]!;
            var deployment = target["kind"]!.GetValue<string>() == "Deployment" && target["apiVersion"]!.GetValue<string>() == "apps/v1"
                ? state.Find("Deployment", target["name"]!.GetValue<string>()) : null;
            if (deployment is null) { missing.Add($"{canary}: targetRef {target.ToJsonString()}"); continue; }

            if (spec["autoscalerRef"] is { } scaler)
            {
                var hpa = state.Find(scaler["kind"]!.GetValue<string>(), scaler["name"]!.GetValue<string>());
                var scaled = hpa?.Json["spec"]!["scaleTargetRef"];
                if (hpa is null || scaled!["kind"]!.GetValue<string>() != "Deployment" || scaled["name"]!.GetValue<string>() != deployment.Name
                    || scaler["apiVersion"]!.GetValue<string>() != hpa.ApiVersion)
                {
                    missing.Add($"{canary}: autoscalerRef {scaler.ToJsonString()} (an HPA of {deployment.Name})");
                }
            }

            // The Service Flagger generates: port, and the container port it targets (by name).
            var service = spec["service"]!;
            var workload = new Workload(deployment);
            var targetPort = service["targetPort"]?.GetValue<string>();
            var container = workload.Containers.SelectMany(c => ClusterState.Items(c["ports"]))
                .SingleOrDefault(p => p["name"]?.GetValue<string>() == targetPort);
            if (container is null || container["containerPort"]!.GetValue<int>() != service["port"]!.GetValue<int>())
            {
                missing.Add($"{canary}: service port {service["port"]} / targetPort {targetPort} is not a container port of {deployment.Name}");
            }

            if (service["name"]?.GetValue<string>() != deployment.Name) missing.Add($"{canary}: service.name is not {deployment.Name}, the host its callers use");
            foreach (var gateway in service["gateways"]?.AsArray().Select(g => g!.GetValue<string>()) ?? [])
            {
                if (state.Find("Gateway", gateway) is null) missing.Add($"{canary}: gateway {gateway}");
            }

            var analysis = spec["analysis"]!;
            foreach (var metric in ClusterState.Items(analysis["metrics"]))
            {
                var name = metric["templateRef"]?["name"]?.GetValue<string>();
                if (name is null || state.Find("MetricTemplate", name) is null) missing.Add($"{canary}: metric {metric["name"]} templateRef {name}");
            }

            foreach (var webhook in ClusterState.Items(analysis["webhooks"]))
            {
                var url = new Uri(webhook["url"]!.GetValue<string>());
                var host = url.Host.Split('.');
                var hook = state.Find("Service", host[0]);
                if (host.Length != 2 || host[1] != "voting" || hook is null || !ClusterState.Items(hook.Json["spec"]!["ports"]).Any(p => p["port"]!.GetValue<int>() == url.Port))
                {
                    missing.Add($"{canary}: webhook {webhook["name"]} {url} (a Service in namespace voting with that port)");
                }
            }

            // sourceLabels name callers that exist, once the release runs (the 2.0 pods).
            foreach (var labels in ClusterState.Items(analysis["match"]).Select(m => m["sourceLabels"]).OfType<JsonObject>())
            {
                var selector = Workload.Labels(labels);
                var release = FlaggerTrack.State(FlaggerTrack.Release);
                if (!release.Workloads.Any(w => w.HasLabels(selector))) missing.Add($"{canary}: sourceLabels {labels.ToJsonString()} select no pods of the release");
            }
        }

        Assert.True(missing.Count == 0, $"{folder}:\n" + string.Join("\n", missing));
    }

    /// <summary>
    /// Flagger renames the first of its selector labels (app, name, app.kubernetes.io/name) that the Deployment's
    /// selector has to &lt;name&gt;-primary on the primary: selecting by app.kubernetes.io/name alone keeps `app` and
    /// `version`, which the policies, Istio's telemetry and the scrape labels use, the same on both copies.
    /// </summary>
    [Fact]
    public void Each_deployment_selects_by_app_kubernetes_io_name_alone_and_keeps_app_and_version()
    {
        var state = FlaggerTrack.State(FlaggerTrack.Stable);
        foreach (var name in Chain)
        {
            var deployment = state.Find("Deployment", name)!;
            Assert.Equal(new Dictionary<string, string> { ["app.kubernetes.io/name"] = name }, Workload.Labels(deployment.Json["spec"]!["selector"]!["matchLabels"]));
            var labels = new Workload(deployment).PodLabels;
            Assert.Equal(name, labels["app"]);
            Assert.True(labels.ContainsKey("version"));
            Assert.Equal("true", deployment.Json["spec"]!["template"]!["metadata"]!["annotations"]?["prometheus.io/scrape"]?.GetValue<string>());
        }

        // What Flagger generates is not in the files: no Service, DestinationRule or VirtualService of the three.
        Assert.DoesNotContain(state.Objects, d => d.Kind is "Service" or "DestinationRule" or "VirtualService" && Chain.Contains(d.Name));
        Assert.DoesNotContain(state.Objects, d => d.Kind == "Deployment" && d.Name.EndsWith("-1-0", StringComparison.Ordinal));
    }

    [Fact]
    public void The_stable_chain_is_1_0_1_1_1_0_and_the_release_is_2_0()
    {
        Assert.Equal(["1.0", "1.1", "1.0"], Chain.Select(n => new Workload(FlaggerTrack.State(FlaggerTrack.Stable).Find("Deployment", n)!).Version));
        Assert.Equal(["2.0", "2.0", "2.0"], Chain.Select(n => new Workload(FlaggerTrack.State(FlaggerTrack.Release).Find("Deployment", n)!).Version));
    }

    /// <summary>The release differs from the starting point only in the images and version labels (and, when faulty, the app's FAULT_* settings).</summary>
    [Theory]
    [InlineData("platforms/istioctl/flagger/release-2.0", new string[0])]
    [InlineData("platforms/istioctl/flagger/release-2.0-faulty", new[] { "FAULT_ABORT_PERCENT", "FAULT_DELAY_MS" })]
    public void The_release_changes_only_images_and_versions(string folder, string[] faults)
    {
        var stable = FlaggerTrack.Render(FlaggerTrack.Stable);
        var release = FlaggerTrack.Render(folder);
        Assert.Equal(stable.Select(d => d.Key), release.Select(d => d.Key));
        foreach (var (before, after) in stable.Zip(release))
        {
            var expected = before.Json.DeepClone().AsObject();
            if (before.Kind == "Deployment" && Chain.Contains(before.Name))
            {
                var template = expected["spec"]!["template"]!.AsObject();
                template["metadata"]!["labels"]!["version"] = "2.0";
                template["metadata"]!["labels"]!["app.kubernetes.io/version"] = "2.0";
                var container = template["spec"]!["containers"]![0]!.AsObject();
                container["image"] = container["image"]!.GetValue<string>().Split(':')[0] + ":2.0";
                if (before.Name == "voting-app")
                {
                    var added = ClusterState.Items(after.Json["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]).Where(e => e["name"]!.GetValue<string>().StartsWith("FAULT_", StringComparison.Ordinal)).ToList();
                    Assert.Equal(faults, added.Select(e => e["name"]!.GetValue<string>()));
                    foreach (var env in added) container["env"]!.AsArray().Add(env.DeepClone());
                }
            }

            Assert.True(JsonNode.DeepEquals(expected, after.Json), $"{after}:\n{after.Json}\nexpected\n{expected}");
        }

        RegistryImages.Assert(release, "/voting-app:2.0");
    }

    /// <summary>The cookie canary is the article's: the same Cookie regex as istio/step-3b, on the browser's paths only.</summary>
    [Fact]
    public void The_app_canary_routes_the_featureflag_cookie_as_step_3b_does()
    {
        var step3b = ManifestFile.Read("istio/step-3b-route-the-featureflag-cookie-to-2.0.yaml").Single(d => d.Key == "VirtualService/voting-app");
        var cookieRegex = step3b.Json["spec"]!["http"]![0]!["match"]![0]!["headers"]!["cookie"]!["regex"]!.GetValue<string>();
        var spec = Canary("voting-app").Json["spec"]!;
        Assert.Equal(cookieRegex, spec["analysis"]!["match"]![0]!["headers"]!["cookie"]!["regex"]!.GetValue<string>());
        var browserPaths = step3b.Json["spec"]!["http"]![1]!["match"]!.AsArray().Select(m => m!["uri"]!["exact"]!.GetValue<string>());
        Assert.Equal(browserPaths, spec["service"]!["match"]!.AsArray().Select(m => m!["uri"]!["exact"]!.GetValue<string>()));
        Assert.Equal("istio", spec["provider"]!.GetValue<string>());
    }

    /// <summary>Analytics and storage follow the app: their canaries get the calls of the 2.0 chain, as istio/step-3 routes them.</summary>
    [Fact]
    public void Analytics_and_storage_canaries_get_the_calls_of_the_2_0_chain()
    {
        var step3 = ManifestFile.Read("istio/step-3-add-routing-for-2.0-components.yaml");
        foreach (var name in new[] { "voting-analytics", "voting-storage" })
        {
            var toTwo = step3.Single(d => d.Key == $"VirtualService/{name}").Json["spec"]!["http"]!.AsArray()
                .Single(r => r!["route"]![0]!["destination"]!["subset"]!.GetValue<string>() == "v2-0")!["match"]!;
            Assert.True(JsonNode.DeepEquals(toTwo, Canary(name).Json["spec"]!["analysis"]!["match"]), $"{name}: {Canary(name).Json["spec"]!["analysis"]!["match"]}");
            var webhooks = ClusterState.Items(Canary(name).Json["spec"]!["analysis"]!["webhooks"]).ToList();
            Assert.Contains(webhooks, w => w["type"]?.GetValue<string>() == "confirm-promotion" && w["url"]!.GetValue<string>().EndsWith("/gate/check", StringComparison.Ordinal));
        }
    }

    /// <summary>The load runs this project's load generator, with and without the cookie, for the app's analysis.</summary>
    [Fact]
    public void The_load_test_runs_the_load_generator_with_and_without_the_cookie()
    {
        var commands = ClusterState.Items(Canary("voting-app").Json["spec"]!["analysis"]!["webhooks"])
            .Where(w => w["type"]?.GetValue<string>() == "rollout")
            .Select(w => Assert.IsType<string>(w["metadata"]!["cmd"]!.GetValue<string>()))
            .ToList();
        Assert.Equal(2, commands.Count);
        Assert.All(commands, c => Assert.StartsWith("voting-loadgenerator --url \"$TARGET_URL\" ", c, StringComparison.Ordinal));
        Assert.Single(commands, c => c.Contains("--cookie featureflag=on", StringComparison.Ordinal));
        var loadtester = new Workload(FlaggerTrack.State(FlaggerTrack.Stable).Find("Deployment", "voting-loadtester")!);
        Assert.Contains(loadtester.Containers.SelectMany(c => ClusterState.Items(c["env"])), e => e["name"]!.GetValue<string>() == "TARGET_URL");
        Assert.Equal("false", loadtester.Deployment.Json["spec"]!["template"]!["metadata"]!["annotations"]!["sidecar.istio.io/inject"]!.GetValue<string>());
    }

    /// <summary>The thresholds: success rate, p99 latency and one of the services' own metrics.</summary>
    [Fact]
    public void Each_analysis_checks_success_rate_latency_and_an_own_metric()
    {
        foreach (var name in Chain)
        {
            var metrics = ClusterState.Items(Canary(name).Json["spec"]!["analysis"]!["metrics"]).ToDictionary(m => m["templateRef"]!["name"]!.GetValue<string>());
            Assert.Equal(99, metrics["voting-request-success-rate"]["thresholdRange"]!["min"]!.GetValue<double>());
            Assert.True(metrics["voting-request-duration-p99"]["thresholdRange"]!["max"]!.GetValue<double>() <= 1000);
        }

        Assert.Equal(0, ClusterState.Items(Canary("voting-storage").Json["spec"]!["analysis"]!["metrics"])
            .Single(m => m["templateRef"]!["name"]!.GetValue<string>() == "voting-votes-not-counted")["thresholdRange"]!["max"]!.GetValue<double>());
    }

    /// <summary>The Redis of kubernetes step 1 asks for the password in Secret voting-redis: storage 1.0 reads that file, as in the step-by-step track.</summary>
    [Theory]
    [MemberData(nameof(FlaggerTrack.AppliedFolders), MemberType = typeof(FlaggerTrack))]
    public void Storage_gives_Redis_the_password_it_requires(string folder)
    {
        var state = FlaggerTrack.State(folder);
        Assert.Contains(new Workload(state.Find("Deployment", "voting-redis")!).Volumes, v => v["secret"]?["secretName"]?.GetValue<string>() == "voting-redis");
        var storage = new Workload(state.Find("Deployment", "voting-storage")!);
        var container = storage.Containers.Single();
        var file = ClusterState.Items(container["env"]).SingleOrDefault(e => e["name"]!.GetValue<string>() == "REDIS_PASSWORD_FILE")?["value"]?.GetValue<string>();
        Assert.NotNull(file);
        var mount = ClusterState.Items(container["volumeMounts"]).Single(m => file.StartsWith(m["mountPath"]!.GetValue<string>() + "/", StringComparison.Ordinal));
        var secret = storage.Volumes.Single(v => v["name"]!.GetValue<string>() == mount["name"]!.GetValue<string>())["secret"]!;
        Assert.Equal("voting-redis", secret["secretName"]!.GetValue<string>());
        Assert.Contains(ClusterState.Items(secret["items"]), item => item["key"]!.GetValue<string>() == "password"
            && item["path"]!.GetValue<string>() == file[(mount["mountPath"]!.GetValue<string>().Length + 1)..]);
    }

    /// <summary>Each platform's folders select that platform's gateway, admit its identity, send the load tester's load to it, and pull from the registry.</summary>
    [Theory]
    [MemberData(nameof(FlaggerTrack.AppliedFolders), MemberType = typeof(FlaggerTrack))]
    public void Each_platform_gets_its_gateway_and_the_registry_images(string folder)
    {
        var state = FlaggerTrack.State(folder);
        var platform = state.Platform;
        Assert.Equal(platform.GatewayLabel, state.Find("Gateway", "voting-app-gateway")!.Json["spec"]!["selector"]!["istio"]!.GetValue<string>());
        Assert.Equal(platform.GatewayPrincipal, state.Find("AuthorizationPolicy", "voting-app")!.Json["spec"]!["rules"]![0]!["from"]![0]!["source"]!["principals"]![0]!.GetValue<string>());
        var loadtester = new Workload(state.Find("Deployment", "voting-loadtester")!);
        Assert.Equal(platform.GatewayUrl, ClusterState.Items(loadtester.Containers.Single()["env"]).Single(e => e["name"]!.GetValue<string>() == "TARGET_URL")["value"]!.GetValue<string>());
        RegistryImages.Assert(FlaggerTrack.Render(folder), ":1.0");
    }

    /// <summary>
    /// Flagger copies service.retries onto every route it generates (pkg/router/istio.go, reconcileVirtualService):
    /// each Canary states it, and the app's and storage's (which take votes and resets) never re-send a request that
    /// may have been applied.
    /// </summary>
    [Theory]
    [InlineData("voting-app", true)]
    [InlineData("voting-analytics", false)]
    [InlineData("voting-storage", true)]
    public void Every_canary_states_its_retries_and_writes_are_never_resent(string name, bool takesWrites)
    {
        var retries = Canary(name).Json["spec"]!["service"]!["retries"];
        Assert.NotNull(retries);
        var policy = RetryPolicy.Convert(retries, $"Canary/{name}");
        Assert.True(policy.Attempts > 0);
        if (takesWrites) Assert.Empty(policy.AfterTheRequest);
    }

    /// <summary>docs/flagger-walkthrough.md creates both Secrets, names each platform's folders, and creates the namespace the add-ons go to.</summary>
    [Theory]
    [InlineData("kubectl create secret generic voting-redis --namespace voting")]
    [InlineData("kubectl create secret generic voting-mysql --namespace voting")]
    [InlineData("platforms/$PLATFORM/flagger/stable")]
    [InlineData("platforms/$PLATFORM/flagger/release-2.0 ")]
    [InlineData("platforms/$PLATFORM/flagger/release-2.0-faulty")]
    [InlineData("kubectl create namespace istio-system --dry-run=client -o yaml | kubectl apply -f -")]
    public void The_walkthrough_gives_the_command(string command) =>
        Assert.Contains(command, File.ReadAllText(RepositoryPaths.Combine("docs/flagger-walkthrough.md")));

    private static ManifestDocument Canary(string name) => ManifestFile.Read("flagger/canaries.yaml").Single(d => d.Key == $"Canary/{name}");
}
