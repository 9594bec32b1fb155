using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Platforms;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// The routing table after each step, computed from the YAML by <see cref="MeshRouter"/>, against what
/// the article says each step does. Chains are written as the x-voting-chain header shows them. Every
/// platform's variant routes exactly as the plain files do, through that platform's ingress gateway.
/// </summary>
public sealed class RoutingTests
{
    private const string Chain10 = "app/1.0 analytics/1.0 storage/1.0";
    private const string Chain11 = "app/1.0 analytics/1.1 storage/1.0";
    private const string Chain20 = "app/2.0 analytics/2.0 storage/2.0";
    private const string Vote10 = "app/1.0 storage/1.0";
    private const string Vote20 = "app/2.0 storage/2.0";

    /// <summary>Browser Cookie headers that carry the flag: first, middle, last, alone, without the space.</summary>
    public static readonly string[] FlagOn =
        ["featureflag=on", "a=1; featureflag=on; b=2", "a=1; featureflag=on", "featureflag=on; b=2", "a=1;featureflag=on"];

    /// <summary>No cookie, and cookies that look like the flag but are not it.</summary>
    public static readonly string?[] FlagOff =
    [
        null, "a=1", "featureflag=off", "a=1; featureflag=off; b=2", "xfeatureflag=on", "a=1; xfeatureflag=on",
        "featureflag=onion", "a=1; featureflag=onion; b=2", "featureflag=on1", "featureflag=; b=on",
    ];

    public static TheoryData<int, string[], string[], string[], string[]> Expectations() => new()
    {
        // step, page chains without/with the flag, vote chains without/with the flag
        { 1, [], [], [], [] },                                        // no Gateway yet: nothing gets in
        { 2, [Chain10], [Chain10], [Vote10], [Vote10] },              // istio step 1: the gateway
        { 3, [Chain10, Chain11], [Chain10, Chain11], [Vote10], [Vote10] }, // analytics 1.1 joins round-robin
        { 4, [Chain11], [Chain11], [Vote10], [Vote10] },              // istio step 2: pinned to 1.1
        { 5, [Chain11], [Chain11], [Vote10], [Vote10] },              // 2.0 pods run, unreached
        { 6, [Chain11], [Chain11], [Vote10], [Vote10] },              // istio step 3: 2.0 routes, nobody sent there yet
        { 7, [Chain11], [Chain20], [Vote10], [Vote20] },              // istio step 3b: the cookie canary
        { 8, [Chain20], [Chain20], [Vote20], [Vote20] },              // istio step 4: everyone on 2.0
        { 9, [Chain20], [Chain20], [Vote20], [Vote20] },              // istio step 5: old subsets gone
        { 10, [Chain20], [Chain20], [Vote20], [Vote20] },             // old Deployments deleted
    };

    /// <summary>Every row of <see cref="Expectations"/> for every platform.</summary>
    public static TheoryData<string, int, string[], string[], string[], string[]> PlatformExpectations()
    {
        var data = new TheoryData<string, int, string[], string[], string[], string[]>();
        foreach (var platform in Platform.All)
        {
            foreach (var row in Expectations())
            {
                data.Add(platform.Name, (int)row[0], (string[])row[1], (string[])row[2], (string[])row[3], (string[])row[4]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PlatformExpectations))]
    public void Each_step_routes_as_the_article_says(string platform, int steps, string[] pages, string[] flaggedPages, string[] votes, string[] flaggedVotes)
    {
        var graph = new CallGraph(new MeshRouter(ClusterState.After(steps, Platform.Named(platform))));
        var step = $"{platform}: {ManifestFiles.Steps[steps - 1]}";
        foreach (var cookie in FlagOff)
        {
            Assert.True(graph.PageChains(cookie).SetEquals(pages), $"after {step}, cookie '{cookie}': {string.Join(" | ", graph.PageChains(cookie))}");
            Assert.True(graph.VoteChains(cookie).SetEquals(votes), $"after {step}, cookie '{cookie}' vote: {string.Join(" | ", graph.VoteChains(cookie))}");
        }

        foreach (var cookie in FlagOn)
        {
            Assert.True(graph.PageChains(cookie).SetEquals(flaggedPages), $"after {step}, cookie '{cookie}': {string.Join(" | ", graph.PageChains(cookie))}");
            Assert.True(graph.VoteChains(cookie).SetEquals(flaggedVotes), $"after {step}, cookie '{cookie}' vote: {string.Join(" | ", graph.VoteChains(cookie))}");
        }
    }

    /// <summary>
    /// At every step, on every platform: each app pod a visitor reaches votes to and reads (through analytics)
    /// from its own store, and no proxy re-sends a write after it may have been applied.
    /// </summary>
    [Theory]
    [MemberData(nameof(CrossReferenceTests.PlatformSteps), MemberType = typeof(CrossReferenceTests))]
    public void A_visitors_votes_and_results_come_from_one_store_and_no_write_is_resent(string platform, int steps)
    {
        var graph = new CallGraph(new MeshRouter(ClusterState.After(steps, Platform.Named(platform))));
        var cookies = FlagOn.Concat(FlagOff).ToList();
        var problems = cookies.SelectMany(graph.Apps).Distinct().SelectMany(app => VisitorChecks.OneStoreProblems(graph.Router, app))
            .Concat(VisitorChecks.UnsafeRetries(graph, cookies)).Distinct().ToList();
        Assert.True(problems.Count == 0, $"{platform}, after {ManifestFiles.Steps[steps - 1]}:\n" + string.Join("\n", problems));
    }

    /// <summary>
    /// Every running pod's sidecar, and any other proxy of the namespace, keeps each VirtualService that routes by
    /// sourceLabels (it ends with a rule for callers that match none), so none falls back to every version; and
    /// every route of every VirtualService states its retries, or answers itself.
    /// </summary>
    [Theory]
    [MemberData(nameof(CrossReferenceTests.PlatformSteps), MemberType = typeof(CrossReferenceTests))]
    public void No_proxy_falls_back_to_every_version_and_every_route_states_its_retries(string platform, int steps)
    {
        var router = new MeshRouter(ClusterState.After(steps, Platform.Named(platform)));
        var problems = new List<string>();
        var proxies = router.State.Workloads.Select(w => w.PodLabels).Append(new Dictionary<string, string> { ["app"] = "debug" });
        foreach (var virtualService in router.State.OfKind("VirtualService"))
        {
            foreach (var (rule, index) in StrictFields.List(virtualService.Json["spec"]!["http"]).Select((r, i) => (r, i)))
            {
                if (rule["retries"] is null && rule["directResponse"] is null) problems.Add($"{virtualService} http[{index}]: no retries stated");
            }

            if (virtualService.Json["spec"]!["gateways"] is not null) continue;
            var host = virtualService.Json["spec"]!["hosts"]![0]!.GetValue<string>();
            problems.AddRange(proxies.Where(labels => router.RoutesFor(labels, host).IsDefault)
                .Select(labels => $"{virtualService}: a proxy labelled {string.Join(",", labels.Where(l => l.Key is "app" or "version").Select(l => $"{l.Key}={l.Value}"))} falls back to every version of {host}"));
        }

        Assert.True(problems.Count == 0, $"{platform}, after {ManifestFiles.Steps[steps - 1]}:\n" + string.Join("\n", problems.Distinct()));
    }

    [Fact]
    public void The_table_covers_every_step() => Assert.Equal(ManifestFiles.Steps.Count, Expectations().Count());

    /// <summary>Every call a running pod makes (and every browser request) reaches pods, and is allowed in.</summary>
    [Theory]
    [MemberData(nameof(CrossReferenceTests.PlatformSteps), MemberType = typeof(CrossReferenceTests))]
    public void Every_live_call_has_a_route_to_pods_that_accept_it(string platform, int steps)
    {
        var graph = new CallGraph(new MeshRouter(ClusterState.After(steps, Platform.Named(platform))));
        var problems = new List<string>();
        foreach (var (caller, host, request) in graph.LiveCalls(FlagOn.Concat(FlagOff)))
        {
            try
            {
                var targets = graph.Router.Route(caller, host, request);
                if (targets.Count == 0) problems.Add($"{caller} -> {host}{request.Path}: no route or no pods");
                problems.AddRange(targets.Where(t => !graph.Router.Allows(caller, t, request)).Select(t => $"{caller} -> {t} {request}: denied"));
            }
            catch (RoutingException e)
            {
                problems.Add($"{caller} -> {host}{request.Path}: {e.Message}");
            }
        }

        Assert.True(problems.Count == 0, $"{platform}, after {ManifestFiles.Steps[steps - 1]}:\n" + string.Join("\n", problems.Distinct()));
    }
}
