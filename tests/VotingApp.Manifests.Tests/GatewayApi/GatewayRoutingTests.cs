using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Routing;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>
/// The Gateway API track's routing after each step, in sidecar and ambient mode, computed from the YAML by
/// <see cref="GatewayRouter"/>: which chain a plain visitor, a featureflag visitor and a visitor who already
/// carries the voting-track cookie reach, with the share of requests, at every hop, for a page and a vote.
/// </summary>
public sealed class GatewayRoutingTests
{
    private const string Chain10 = "app/1.0 analytics/1.0 storage/1.0";
    private const string Chain11 = "app/1.0 analytics/1.1 storage/1.0";
    private const string Chain20 = "app/2.0 analytics/2.0 storage/2.0";
    private const string Vote10 = "app/1.0 storage/1.0";
    private const string Vote20 = "app/2.0 storage/2.0";

    private static Dictionary<string, double> Only(string chain) => new() { [chain] = 1.0 };
    private static readonly Dictionary<string, double> Nothing = [];
    private static readonly Dictionary<string, double> RoundRobin = new() { [Chain10] = 0.5, [Chain11] = 0.5 };
    private static readonly Dictionary<string, double> Weighted = new() { [Chain11] = 0.9, [Chain20] = 0.1 };
    private static readonly Dictionary<string, double> WeightedVotes = new() { [Vote10] = 0.9, [Vote20] = 0.1 };

    /// <summary>After each step: page chains of a new visitor, of a featureflag visitor; votes of each.</summary>
    private static readonly (Dictionary<string, double> Page, Dictionary<string, double> Flagged, Dictionary<string, double> Vote, Dictionary<string, double> FlaggedVote)[] Expected =
    [
        (Nothing, Nothing, Nothing, Nothing),                                      // kubernetes step 1: no Gateway yet
        (Only(Chain10), Only(Chain10), Only(Vote10), Only(Vote10)),                // gateway-api step 1
        (RoundRobin, RoundRobin, Only(Vote10), Only(Vote10)),                      // kubernetes step 2: analytics 1.1 round-robin
        (Only(Chain11), Only(Chain11), Only(Vote10), Only(Vote10)),                // gateway-api step 2: pinned to 1.1
        (Only(Chain11), Only(Chain11), Only(Vote10), Only(Vote10)),                // step 2b: policies
        (Only(Chain11), Only(Chain11), Only(Vote10), Only(Vote10)),                // kubernetes step 3: 2.0 pods unreached
        (Only(Chain11), Only(Chain11), Only(Vote10), Only(Vote10)),                // gateway-api step 3: 2.0 routes, nobody sent
        (Only(Chain11), Only(Chain20), Only(Vote10), Only(Vote20)),                // step 3b: the cookie canary
        (Weighted, Only(Chain20), WeightedVotes, Only(Vote20)),                    // step 3c: a tenth of new visitors
        (Only(Chain20), Only(Chain20), Only(Vote20), Only(Vote20)),                // step 4: everyone on 2.0
        (Only(Chain20), Only(Chain20), Only(Vote20), Only(Vote20)),                // step 5: old routes gone
        (Only(Chain20), Only(Chain20), Only(Vote20), Only(Vote20)),                // old Services deleted
        (Only(Chain20), Only(Chain20), Only(Vote20), Only(Vote20)),                // old Deployments deleted
    ];

    /// <summary>
    /// At every step, in both modes, with the mesh configuration the walkthrough installs: a visitor's votes and
    /// results come from one store whatever cookies they send (the flag, a track cookie of either version), and
    /// no write (POST / at the gateway, POST and DELETE /api/votes) is re-sent after it may have been applied.
    /// </summary>
    [Theory]
    [MemberData(nameof(GatewayApiTrack.ModeSteps), MemberType = typeof(GatewayApiTrack))]
    public void A_visitors_votes_and_results_come_from_one_store_and_no_write_is_resent(string mode, int steps)
    {
        var router = new GatewayRouter(GatewayApiTrack.After(steps, DataPlane.Named(mode)), DataPlane.Named(mode), GatewayApiTrack.MeshDefaultRetryPolicy);
        var problems = VisitorChecks.Problems(router).ToList();
        Assert.True(problems.Count == 0, $"{mode}, after {GatewayApiTrack.Steps[steps - 1]}:\n" + string.Join("\n", problems));
    }

    /// <summary>Without the walkthrough's mesh configuration Istio's default retries would apply to votes (the test can fail).</summary>
    [Fact]
    public void Without_the_mesh_configuration_votes_get_istios_default_retries()
    {
        var router = new GatewayRouter(GatewayApiTrack.After(GatewayApiTrack.Steps.Count, DataPlane.Sidecar), DataPlane.Sidecar);
        Assert.Equal(["cancelled", "retriable-status-codes", "unavailable"], router.RetriesFor(ServiceCatalog.Storage.Name).AfterTheRequest);
    }

    [Fact]
    public void The_table_covers_every_step() => Assert.Equal(GatewayApiTrack.Steps.Count, Expected.Length);

    [Theory]
    [MemberData(nameof(GatewayApiTrack.ModeSteps), MemberType = typeof(GatewayApiTrack))]
    public void Each_step_routes_plain_flagged_and_weighted_visitors_as_the_walkthrough_says(string mode, int steps)
    {
        var graph = Graph(mode, steps);
        var (page, flagged, vote, flaggedVote) = Expected[steps - 1];
        var at = $"{mode}, after {GatewayApiTrack.Steps[steps - 1]}";
        foreach (var cookie in RoutingTests.FlagOff)
        {
            AssertShares(page, graph.PageChains(cookie), $"{at}, cookie '{cookie}'");
            AssertShares(vote, graph.VoteChains(cookie), $"{at}, cookie '{cookie}', vote");
        }

        foreach (var cookie in RoutingTests.FlagOn)
        {
            AssertShares(flagged, graph.PageChains(cookie), $"{at}, cookie '{cookie}'");
            AssertShares(flaggedVote, graph.VoteChains(cookie), $"{at}, cookie '{cookie}', vote");
        }
    }

    /// <summary>
    /// Sticky: in the weighted step, a visitor's next requests carry the cookie the app they landed on set
    /// (src/VotingApp.App/TrackCookie.cs; TrackHeaderTests proves the app sets it), and reach that version
    /// only, for pages and votes, whatever other cookies they send. Before that step the cookie steers nothing.
    /// </summary>
    [Theory]
    [MemberData(nameof(Modes))]
    public void A_visitor_stays_on_the_version_they_landed_on(string mode)
    {
        var weighted = GatewayApiTrack.IndexOf("gateway-api/step-3c-send-a-tenth-of-new-visitors-to-2.0.yaml") + 1;
        var graph = Graph(mode, weighted);
        var landed = graph.Apps(TrackGraph.Visit("GET", "/", null)).Select(hop => hop.Target.Version!).Distinct().Order().ToList();
        Assert.Equal(["1.0", "2.0"], landed);
        foreach (var version in landed)
        {
            var chain = version == "1.0" ? Chain11 : Chain20;
            foreach (var cookie in new[] { $"voting-track={version}", $"a=1; voting-track={version}; b=2", $"voting-track={version}; featureflag=off" })
            {
                AssertShares(Only(chain), graph.PageChains(cookie), $"{mode}: landed on {version}, cookie '{cookie}'");
                AssertShares(Only(version == "1.0" ? Vote10 : Vote20), graph.VoteChains(cookie), $"{mode}: landed on {version}, cookie '{cookie}', vote");
            }
        }

        // Not the cookie: look-alikes are split by weight like any new visitor.
        foreach (var cookie in new[] { "voting-track=3.0", "xvoting-track=2.0", "voting-track=2.00", "voting-track=2x0" })
        {
            AssertShares(Weighted, graph.PageChains(cookie), $"{mode}: cookie '{cookie}'");
        }

        var before = Graph(mode, weighted - 1);
        AssertShares(Only(Chain11), before.PageChains("voting-track=2.0"), $"{mode}: before the weighted step");
    }

    /// <summary>A client's own x-voting-track does not steer the chain: the gateway removes it and the app names its own.</summary>
    [Theory]
    [MemberData(nameof(GatewayApiTrack.ModeSteps), MemberType = typeof(GatewayApiTrack))]
    public void A_track_header_from_outside_steers_nothing(string mode, int steps)
    {
        var graph = Graph(mode, steps);
        foreach (var cookie in new[] { null, "featureflag=on", "voting-track=1.0" })
        {
            foreach (var track in new[] { "2.0", "1.0", "9.9" })
            {
                AssertShares(graph.PageChains(cookie), graph.PageChains(cookie, track), $"{mode}, step {steps}: x-voting-track {track}, cookie '{cookie}'");
                AssertShares(graph.VoteChains(cookie), graph.VoteChains(cookie, track), $"{mode}, step {steps}: x-voting-track {track}, cookie '{cookie}', vote");
            }
        }

        Assert.All(graph.Router.Enter(TrackGraph.Visit("GET", "/", null, "2.0")), hop => Assert.False(hop.Headers.ContainsKey(VotingTrack.HeaderName)));
    }

    /// <summary>The check above can fail: if analytics took the track as the client sent it, a client's 2.0 would reach storage 2.0.</summary>
    [Fact]
    public void A_track_taken_from_the_client_would_steer_storage()
    {
        var graph = Graph("sidecar", GatewayApiTrack.IndexOf("gateway-api/step-3-add-routing-for-2.0-components.yaml") + 1);
        var analytics11 = graph.Router.State.Workloads.Single(w => w.Name == "voting-analytics-1-1");
        Assert.Equal(["1.0"], graph.Next(analytics11, "1.0", ServiceCatalog.Storage, "GET", "/api/votes").Select(h => h.Target.Version));
        Assert.Equal(["2.0"], graph.Next(analytics11, "2.0", ServiceCatalog.Storage, "GET", "/api/votes").Select(h => h.Target.Version));
    }

    /// <summary>Every call a running pod makes (start-up calls included) and every visitor's request has a route to pods that let it in.</summary>
    [Theory]
    [MemberData(nameof(GatewayApiTrack.ModeSteps), MemberType = typeof(GatewayApiTrack))]
    public void Every_live_call_has_a_route_to_pods_that_accept_it(string mode, int steps)
    {
        var graph = Graph(mode, steps);
        var problems = graph.LiveCalls(Visits()).Where(c => c.Problem is not null).Select(c => $"{c.Call}: {c.Problem}").Distinct().ToList();
        Assert.True(problems.Count == 0, $"{mode}, after {GatewayApiTrack.Steps[steps - 1]}:\n" + string.Join("\n", problems));
    }

    /// <summary>Every weighted rule's weights add up to 100, and every request's shares to one.</summary>
    [Theory]
    [MemberData(nameof(GatewayApiTrack.ModeSteps), MemberType = typeof(GatewayApiTrack))]
    public void Weights_add_up(string mode, int steps)
    {
        var graph = Graph(mode, steps);
        foreach (var route in graph.Router.State.OfKind("HTTPRoute"))
        {
            foreach (var rule in ClusterState.Items(route.Json["spec"]!["rules"]))
            {
                var weights = ClusterState.Items(rule["backendRefs"]).Select(b => b["weight"]?.GetValue<int>()).ToList();
                if (weights.Count > 1) Assert.True(weights.All(w => w is not null) && weights.Sum() == 100, $"{route}: weights {string.Join("+", weights)}");
            }
        }

        foreach (var visit in Visits())
        {
            var hops = graph.Router.State.Find("Gateway", GatewayRouter.GatewayName) is null ? [] : graph.Router.Enter(visit);
            if (hops.Count > 0) Assert.Equal(1.0, hops.Sum(h => h.Share), 9);
        }
    }

    /// <summary>What visitors send: every browser request, without a cookie, with the flag, with a track cookie, with a track header.</summary>
    public static IEnumerable<MeshRequest> Visits() =>
        from call in CallGraph.BrowserCalls
        from cookie in new[] { null, "featureflag=on", "voting-track=1.0", "voting-track=2.0", "a=1; featureflag=on; voting-track=1.0" }
        from track in new[] { null, "2.0" }
        select TrackGraph.Visit(call.Method, call.Path, cookie, track);

    public static TheoryData<string> Modes() => new(DataPlane.All.Select(m => m.Name));

    public static TrackGraph Graph(string mode, int steps) =>
        new(new GatewayRouter(GatewayApiTrack.After(steps, DataPlane.Named(mode)), DataPlane.Named(mode)));

    private static void AssertShares(IReadOnlyDictionary<string, double> expected, IReadOnlyDictionary<string, double> actual, string at)
    {
        var ok = expected.Count == actual.Count && expected.All(e => actual.TryGetValue(e.Key, out var share) && Math.Abs(share - e.Value) < 1e-9);
        Assert.True(ok, $"{at}: expected {Describe(expected)}, computed {Describe(actual)}");
    }

    private static string Describe(IReadOnlyDictionary<string, double> chains) =>
        chains.Count == 0 ? "nothing" : string.Join(" | ", chains.OrderBy(c => c.Key).Select(c => $"{c.Key} ({c.Value:P0})"));
}
