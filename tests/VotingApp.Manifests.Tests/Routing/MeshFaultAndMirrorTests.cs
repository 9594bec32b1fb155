using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Platforms;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// The optional Istio steps (<see cref="ManifestFiles.OptionalSteps"/>), evaluated on every platform where the
/// walkthrough applies them: faults for the cookie users' analytics reads after step 3b, and analytics reads
/// mirrored to 2.0 after step 3. Votes are never mirrored, in any step.
/// </summary>
public sealed class MeshFaultAndMirrorTests
{
    private const string FaultStep = "istio/step-3f-inject-analytics-faults-for-cookie-users.yaml";
    private const string MirrorStep = "istio/step-3m-mirror-analytics-reads-to-2.0.yaml";
    private static readonly MeshRequest ResultsRead = MeshRequest.Get("/analytics");

    [Theory]
    [MemberData(nameof(Platform.Names), MemberType = typeof(Platform))]
    public void Faults_reach_only_the_cookie_users_reads(string platform)
    {
        var graph = new CallGraph(new MeshRouter(StateWith(FaultStep, after: "istio/step-3b-route-the-featureflag-cookie-to-2.0.yaml", platform)));
        var cookieApp = Assert.Single(graph.Apps("featureflag=on"));
        var plainApp = Assert.Single(graph.Apps(null));
        Assert.Equal("2.0", cookieApp.Version);
        Assert.Equal("1.0", plainApp.Version);

        var faulted = graph.Router.Effects(Caller.Pod(cookieApp), "voting-analytics", ResultsRead);
        var fault = Assert.IsType<InjectedFault>(faulted.Fault);
        Assert.Equal(503, fault.AbortStatus);
        Assert.InRange(fault.AbortPercent, 1, 99); // some reads still get through
        Assert.InRange(fault.DelayPercent, 1, 100);
        Assert.Equal(["2.0"], graph.Router.Route(Caller.Pod(cookieApp), "voting-analytics", ResultsRead).Select(w => w.Version));

        Assert.Null(graph.Router.Effects(Caller.Pod(plainApp), "voting-analytics", ResultsRead).Fault);
        Assert.Equal(["1.1"], graph.Router.Route(Caller.Pod(plainApp), "voting-analytics", ResultsRead).Select(w => w.Version));
        // The faulted chain still reaches its own storage; votes (app -> storage) carry no fault.
        Assert.Equal(["app/2.0 analytics/2.0 storage/2.0"], graph.PageChains("featureflag=on"));
        Assert.Null(graph.Router.Effects(Caller.Pod(cookieApp), "voting-storage", MeshRequest.Send("POST", "/api/votes")).Fault);
    }

    /// <summary>
    /// A delayed read is cut off by the app's own bounds, so the page is still answered within 2 s: the delay is
    /// longer than one try, and two tries (the one retry of a read) fit in the whole call's bound.
    /// </summary>
    [Fact]
    public void The_page_outlasts_the_delay_within_its_budget()
    {
        var state = StateWith(FaultStep, after: "istio/step-3b-route-the-featureflag-cookie-to-2.0.yaml", "files");
        var fault = new MeshRouter(state).Effects(Caller.Pod(App(state, "2.0")), "voting-analytics", ResultsRead).Fault!;
        Assert.True(fault.Delay > UpstreamHttpClients.AttemptTimeout, $"delay {fault.Delay} does not exceed one try ({UpstreamHttpClients.AttemptTimeout})");
        Assert.True(2 * UpstreamHttpClients.AttemptTimeout + TimeSpan.FromMilliseconds(50) < UpstreamHttpClients.TotalTimeout);
        Assert.True(UpstreamHttpClients.TotalTimeout <= TimeSpan.FromSeconds(2));
    }

    [Theory]
    [MemberData(nameof(Platform.Names), MemberType = typeof(Platform))]
    public void Reads_are_mirrored_to_2_0_while_users_get_1_1(string platform)
    {
        var state = StateWith(MirrorStep, after: "istio/step-3-add-routing-for-2.0-components.yaml", platform);
        var router = new MeshRouter(state);
        var app = Caller.Pod(App(state, "1.0"));
        Assert.Equal(["1.1"], router.Route(app, "voting-analytics", ResultsRead).Select(w => w.Version));
        var effects = router.Effects(app, "voting-analytics", ResultsRead);
        Assert.Equal(["2.0"], effects.MirroredTo.Select(w => w.Version));
        Assert.Equal(100, effects.MirrorPercent);
        Assert.Null(effects.Fault);
        // The copy is handled by analytics 2.0, whose own reads go to storage 2.0 (MySQL), never to 1.0's Redis.
        var mirrored = Caller.Pod(effects.MirroredTo.Single());
        Assert.Equal(["2.0"], router.Route(mirrored, "voting-storage", MeshRequest.Get("/api/votes")).Select(w => w.Version));
        // Before the cookie route, nobody reaches app 2.0 and nobody sees 2.0's answer.
        Assert.Equal(["app/1.0 analytics/1.1 storage/1.0"], new CallGraph(router).PageChains(null));
    }

    /// <summary>A mirrored vote would be counted twice, in two stores: no route a vote or a reset takes has a mirror.</summary>
    [Theory]
    [MemberData(nameof(Platform.Names), MemberType = typeof(Platform))]
    public void Votes_are_never_mirrored(string platform)
    {
        var states = Enumerable.Range(1, ManifestFiles.Steps.Count).Select(n => ClusterState.After(n, Platform.Named(platform)))
            .Concat([StateWith(MirrorStep, "istio/step-3-add-routing-for-2.0-components.yaml", platform),
                     StateWith(FaultStep, "istio/step-3b-route-the-featureflag-cookie-to-2.0.yaml", platform)]);
        var mirrored = new List<string>();
        foreach (var state in states)
        {
            var router = new MeshRouter(state);
            foreach (var caller in state.Workloads.Where(w => w.App == "voting-app").Select(Caller.Pod))
            {
                foreach (var method in new[] { "POST", "DELETE" })
                {
                    if (router.Effects(caller, "voting-storage", MeshRequest.Send(method, "/api/votes")).MirroredTo.Count > 0) mirrored.Add($"{caller}: {method}");
                }
            }
        }

        Assert.True(mirrored.Count == 0, "votes mirrored: " + string.Join(", ", mirrored));
        Assert.DoesNotContain(ManifestFiles.OptionalSteps.Concat(ManifestFiles.Steps).Where(s => !s.Delete)
            .SelectMany(s => Platform.Named(platform).Read(s)), d => d.Kind == "VirtualService" && d.Name == "voting-storage" && d.Json.ToJsonString().Contains("\"mirror\"", StringComparison.Ordinal));
    }

    /// <summary>
    /// Neither optional step outlives istio step 4 (both files say step 4 replaces them): once everyone is on app 2.0,
    /// no results read is faulted or mirrored, on every platform, at every later step.
    /// </summary>
    [Theory]
    [MemberData(nameof(Platform.Names), MemberType = typeof(Platform))]
    public void Step_4_ends_the_faults_and_the_mirror(string platform)
    {
        var four = ManifestFiles.Steps.ToList().IndexOf(ManifestFiles.Step("istio/step-4-route-all-traffic-to-2.0.yaml"));
        foreach (var (optional, after) in new[] { (FaultStep, "istio/step-3b-route-the-featureflag-cookie-to-2.0.yaml"), (MirrorStep, "istio/step-3-add-routing-for-2.0-components.yaml") })
        {
            var state = StateWith(optional, after, platform);
            foreach (var step in ManifestFiles.Steps.Skip(ManifestFiles.Steps.ToList().IndexOf(ManifestFiles.Step(after)) + 1))
            {
                state.Apply(step);
                if (ManifestFiles.Steps.ToList().IndexOf(step) < four) continue;
                var router = new MeshRouter(state);
                foreach (var app in state.Workloads.Where(w => w.App == ServiceCatalog.App.Name).Select(Caller.Pod))
                {
                    var effects = router.Effects(app, ServiceCatalog.Analytics.Name, ResultsRead);
                    Assert.True(effects.Fault is null && effects.MirroredTo.Count == 0, $"{platform}: {optional}, then {step}: {app} reads still faulted or mirrored");
                }
            }
        }
    }

    /// <summary>The state after the walkthrough's step <paramref name="after"/>, then the optional step applied (its platform variant).</summary>
    private static ClusterState StateWith(string optional, string after, string platform)
    {
        var state = ClusterState.After(ManifestFiles.Steps.ToList().IndexOf(ManifestFiles.Step(after)) + 1, Platform.Named(platform));
        state.Apply(ManifestFiles.OptionalSteps.Single(s => s.File == optional));
        return state;
    }

    private static Workload App(ClusterState state, string version) => state.Workloads.Single(w => w.App == "voting-app" && w.Version == version);
}
