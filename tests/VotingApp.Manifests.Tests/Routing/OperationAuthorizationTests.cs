using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Platforms;
using VotingApp.Manifests.Tests.Yaml;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// Least privilege per operation: once the policies are in, each caller may send each service exactly the
/// requests it makes (<see cref="CallGraph.ServiceCalls"/>, checked against the running services), the
/// ingress gateway exactly what a browser sends (<see cref="CallGraph.BrowserCalls"/>), and nothing else:
/// no other method, no other endpoint the service serves, no spelling of /metrics that Kestrel would serve.
/// On the plain files and on every platform variant, each with its own gateway's identity.
/// </summary>
public sealed class OperationAuthorizationTests
{
    /// <summary>Every method a caller could send.</summary>
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    /// <summary>
    /// The paths each service serves, beyond what it is called for: ServiceDefaults' /health/live,
    /// /health/ready, /version and /metrics everywhere, storage's /api/store and OpenAPI document.
    /// Services/ServiceCallTests checks that the running services serve every one of them.
    /// </summary>
    public static IReadOnlyList<string> ServedPaths(CatalogEntry service) =>
        new[] { "/health/live", "/health/ready", "/version", "/metrics" }
            .Concat(service == ServiceCatalog.Storage ? ["/api/store", "/openapi/v1.json"] : [])
            .Concat(CallGraph.ServiceCalls.Values.SelectMany(calls => calls).Where(c => c.Callee == service.Name).Select(c => c.Path))
            .Concat(service == ServiceCatalog.App ? CallGraph.BrowserCalls.Select(c => c.Path) : [])
            .Distinct().ToList();

    /// <summary>Spellings of paths a browser must not reach through the gateway; Kestrel serves most of them.</summary>
    public static readonly string[] RefusedAtTheGateway =
    [
        "/metrics", "/METRICS", "/Metrics", "/%6detrics", "/%6Detrics", "/%4Detrics", "/metrics/", "/metrics?x=1", "//metrics",
        "/./metrics", "/featureflag/../metrics", "/%2e%2e/metrics", "/x\\..\\metrics", "/health/ready", "/health/live",
        "/HEALTH/READY", "/version", "/VERSION", "/api/votes", "/analytics", "/featureflag/SET", "/FeatureFlag/set",
        "/featureflag/set/", "/favicon.ico", "/%2fmetrics", "/%00",
    ];

    /// <summary>Each platform with each step count after which AuthorizationPolicies exist.</summary>
    public static TheoryData<string, int> PolicyStates()
    {
        var data = new TheoryData<string, int>();
        var steps = Enumerable.Range(1, ManifestFiles.Steps.Count).Where(s => ClusterState.After(s).OfKind("AuthorizationPolicy").Any()).ToList();
        foreach (var platform in Platform.All)
        {
            foreach (var count in steps) data.Add(platform.Name, count);
        }

        return data;
    }

    /// <summary>The platform's ingress gateway, as the Gateway of the step files binds it.</summary>
    private static Caller Gateway(Platform platform) => Caller.IngressGateway(platform, "voting-app-gateway");

    [Theory]
    [MemberData(nameof(PolicyStates))]
    public void Each_caller_may_send_exactly_the_requests_it_makes(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        var router = new MeshRouter(state);
        var callers = state.Workloads.Select(Caller.Pod).Append(Gateway(state.Platform)).ToList();
        var wrong = new List<string>();
        var checkedCount = 0;
        foreach (var target in state.Workloads.Where(w => ServiceCatalog.All.Any(s => s.Name == w.App)))
        {
            var service = ServiceCatalog.All.Single(s => s.Name == target.App);
            foreach (var caller in callers)
            {
                var makes = Makes(caller, service);
                foreach (var method in Methods)
                {
                    foreach (var path in ServedPaths(service))
                    {
                        var expected = makes.Contains((method, path));
                        checkedCount++;
                        if (router.Allows(caller, target, MeshRequest.Send(method, path)) != expected)
                        {
                            wrong.Add($"{caller} -> {target} {method} {path}: {(expected ? "denied" : "allowed")}");
                        }
                    }
                }
            }
        }

        Assert.True(checkedCount > 500, $"only {checkedCount} requests checked");
        Assert.True(wrong.Count == 0, $"{platform}, after {ManifestFiles.Steps[steps - 1]}:\n" + string.Join("\n", wrong));
    }

    /// <summary>After kubernetes step 3 (every workload runs), on the plain files and every variant.</summary>
    private static IEnumerable<ClusterState> EveryWorkloadOnEveryPlatform() =>
        Platform.All.Select(platform => ClusterState.After(
            ManifestFiles.Steps.ToList().FindIndex(s => s.File.StartsWith("kubernetes/step-3", StringComparison.Ordinal)) + 1, platform));

    [Theory]
    [InlineData("voting-analytics-1-1", "voting-storage", "DELETE", "/api/votes")] // analytics may read, not reset
    [InlineData("voting-analytics-1-1", "voting-storage", "POST", "/api/votes")]   // nor vote
    [InlineData("voting-app-1-0", "voting-storage", "GET", "/metrics")]
    [InlineData("voting-app-1-0", "voting-storage", "GET", "/api/votes")]           // the app reads results from analytics
    [InlineData("voting-analytics-1-1", "voting-storage", "GET", "/api/store")]     // only the app warms up on it
    [InlineData("voting-app-1-0", "voting-analytics", "GET", "/metrics")]
    [InlineData("voting-app-1-0", "voting-analytics", "POST", "/analytics")]
    [InlineData("voting-storage-1-0", "voting-analytics", "GET", "/analytics")]
    [InlineData("istio-ingressgateway", "voting-app", "GET", "/metrics")]
    [InlineData("istio-ingressgateway", "voting-app", "GET", "/METRICS")]
    [InlineData("istio-ingressgateway", "voting-app", "GET", "/%6detrics")]
    [InlineData("istio-ingressgateway", "voting-app", "DELETE", "/")]
    [InlineData("istio-ingressgateway", "voting-app", "get", "/")]                  // Envoy refuses a lower-case method
    [InlineData("istio-ingressgateway", "voting-storage", "DELETE", "/api/votes")]
    public void Representative_requests_are_denied(string caller, string target, string method, string path)
    {
        foreach (var state in EveryWorkloadOnEveryPlatform())
        {
            var router = new MeshRouter(state);
            var from = caller == "istio-ingressgateway" ? Gateway(state.Platform) : Caller.Pod(state.Workloads.Single(w => w.Name == caller));
            var targets = state.Workloads.Where(w => w.App == target).ToList();
            Assert.NotEmpty(targets);
            Assert.All(targets, t => Assert.False(router.Allows(from, t, MeshRequest.Send(method, path)), $"{state.Platform}: {from} -> {t} {method} {path} is allowed"));
        }
    }

    [Fact]
    public void Storage_may_open_a_connection_to_its_own_database_only()
    {
        foreach (var state in EveryWorkloadOnEveryPlatform())
        {
            var router = new MeshRouter(state);
            foreach (var database in state.Workloads.Where(w => w.App is "voting-redis" or "voting-mysql"))
            {
                foreach (var caller in state.Workloads.Select(Caller.Pod).Append(Gateway(state.Platform)))
                {
                    Assert.True(caller.Labels.GetValueOrDefault("app") == ServiceCatalog.Storage.Name == router.Allows(caller, database, MeshRequest.Tcp),
                        $"{state.Platform}: {caller} -> {database}");
                }
            }
        }
    }

    /// <summary>From Istio step 1 the route, from Istio step 2 also the app's policy, let only the browser's paths in.</summary>
    [Theory]
    [MemberData(nameof(CrossReferenceTests.PlatformSteps), MemberType = typeof(CrossReferenceTests))]
    public void The_gateway_reaches_only_the_page_votes_and_the_feature_flag(string platform, int steps)
    {
        var graph = new CallGraph(new MeshRouter(ClusterState.After(steps, Platform.Named(platform))));
        if (graph.Entry is not { } entry) return;
        var problems = new List<string>();
        foreach (var cookie in new[] { null, "featureflag=on" })
        {
            foreach (var path in RefusedAtTheGateway)
            {
                foreach (var method in new[] { "GET", "POST" })
                {
                    var request = MeshRequest.Send(method, path, cookie);
                    var routed = graph.Router.Route(entry, ServiceCatalog.App.Name, request);
                    if (routed.Count > 0) problems.Add($"{request} (cookie {cookie}): routed to {string.Join(", ", routed)}");
                    var apps = graph.Router.State.Workloads.Where(w => w.App == ServiceCatalog.App.Name);
                    var policyAllows = graph.Router.State.OfKind("AuthorizationPolicy").Any() && apps.Any(app => graph.Router.Allows(entry, app, request));
                    if (policyAllows) problems.Add($"{request}: allowed by the app's AuthorizationPolicy");
                }
            }

            foreach (var (method, path) in CallGraph.BrowserCalls.Append(("GET", "/?utm=1")))
            {
                var request = MeshRequest.Send(method, path, cookie);
                var routed = graph.Router.Route(entry, ServiceCatalog.App.Name, request);
                if (routed.Count == 0 || routed.Any(app => !graph.Router.Allows(entry, app, request))) problems.Add($"{request}: not served");
            }
        }

        Assert.True(problems.Count == 0, $"{platform}, after {ManifestFiles.Steps[steps - 1]}:\n" + string.Join("\n", problems));
    }

    /// <summary>The check above can fail: the article's `prefix: /` route sends every one of those paths to the app.</summary>
    [Fact]
    public void A_prefix_route_would_let_them_through()
    {
        var step = ManifestFiles.Step("istio/step-1-create-voting-app-gateway.yaml");
        var state = ClusterState.After(ManifestFiles.Steps.ToList().IndexOf(step) + 1);
        var original = state.Find("VirtualService", "voting-app")!;
        var json = original.Json.DeepClone().AsObject();
        json["spec"]!["http"]![0]!["match"] = new JsonArray(new JsonObject { ["uri"] = new JsonObject { ["prefix"] = "/" } });
        state.Apply(step, new ManifestDocument(original.File, original.Index, json));
        var router = new MeshRouter(state);
        Assert.All(RefusedAtTheGateway.Where(p => p != "/%00"), path =>
            Assert.NotEmpty(router.Route(Caller.IngressGateway("voting-app-gateway"), ServiceCatalog.App.Name, MeshRequest.Get(path))));
    }

    /// <summary>A workload that no policy names (a debug pod, one added later) accepts nothing once allow-nothing is in.</summary>
    [Theory]
    [MemberData(nameof(Platform.Names), MemberType = typeof(Platform))]
    public void A_workload_without_its_own_policy_accepts_nothing(string platform)
    {
        var state = ClusterState.After(ManifestFiles.Steps.Count, Platform.Named(platform));
        var router = new MeshRouter(state);
        var analytics = state.Workloads.First(w => w.App == ServiceCatalog.Analytics.Name);
        var json = analytics.Deployment.Json.DeepClone().AsObject();
        json["metadata"]!["name"] = "voting-debug";
        json["spec"]!["template"]!["metadata"]!["labels"]!["app"] = "voting-debug";
        var debug = new Workload(new ManifestDocument(analytics.Deployment.File, analytics.Deployment.Index, json));
        var callers = state.Workloads.Select(Caller.Pod).Append(Gateway(state.Platform));
        Assert.All(callers, caller => Assert.False(router.Allows(caller, debug, MeshRequest.Get("/analytics")), $"{caller} -> voting-debug"));

        // Without the allow-nothing policy it would accept anything: the check above can fail.
        state.Apply(new RolloutStep(state.Find("AuthorizationPolicy", "allow-nothing")!.File, Delete: true), state.Find("AuthorizationPolicy", "allow-nothing")!);
        Assert.True(router.Allows(Gateway(state.Platform), debug, MeshRequest.Get("/analytics")));
    }

    /// <summary>In the order kubectl applies them: the file's, or the platform variant's rendering of it.</summary>
    [Theory]
    [MemberData(nameof(Platform.Names), MemberType = typeof(Platform))]
    public void Allow_nothing_comes_after_every_policy_that_allows_the_calls(string platform)
    {
        var documents = Platform.Named(platform).Read(ManifestFiles.Step("istio/step-2-update-and-add-routing-for-all-components.yaml")).ToList();
        var allowNothing = documents.FindIndex(d => d.Key == "AuthorizationPolicy/allow-nothing");
        Assert.True(allowNothing >= 0, "no allow-nothing policy in istio step 2");
        Assert.Equal("{}", documents[allowNothing].Json["spec"]!.ToJsonString());
        Assert.All(documents.Select((d, i) => (d, i)).Where(x => x.d.Kind == "AuthorizationPolicy" && x.i != allowNothing),
            x => Assert.True(x.i < allowNothing, $"{x.d} comes after allow-nothing"));
    }

    private static HashSet<(string Method, string Path)> Makes(Caller caller, CatalogEntry service)
    {
        if (caller.Gateway is not null) return service == ServiceCatalog.App ? CallGraph.BrowserCalls.ToHashSet() : [];
        var app = caller.Labels.GetValueOrDefault("app") ?? "";
        return (CallGraph.ServiceCalls.GetValueOrDefault(app) ?? []).Where(c => c.Callee == service.Name).Select(c => (c.Method, c.Path)).ToHashSet();
    }
}
