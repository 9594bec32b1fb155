namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>
/// Make-before-break for the Gateway API track, as Routing/MakeBeforeBreakTests does for the Istio track:
/// applying each step's documents one at a time, in file order, after every document every call a running
/// pod makes (start-up calls included) and every visitor's request has a route to pods that let it in,
/// in both modes. The one exception: a new Gateway answers 404 until its first route arrives.
/// </summary>
public sealed class GatewayMakeBeforeBreakTests
{
    [Theory]
    [MemberData(nameof(GatewayApiTrack.ModeSteps), MemberType = typeof(GatewayApiTrack))]
    public void Every_document_keeps_every_live_call_routed_and_admitted(string modeName, int steps)
    {
        var mode = DataPlane.Named(modeName);
        var step = GatewayApiTrack.Steps[steps - 1];
        var state = GatewayApiTrack.After(steps - 1, mode);
        var hadEntry = state.OfKind("HTTPRoute").Any(r => r.Json["spec"]!["parentRefs"]![0]!["kind"] is null);
        var problems = new List<string>();
        foreach (var document in GatewayApiTrack.Read(step, mode))
        {
            state.Apply(step, document);
            var graph = new TrackGraph(new GatewayRouter(state, mode));
            problems.AddRange(graph.LiveCalls(GatewayRoutingTests.Visits())
                .Where(c => c.Problem is not null && !(c.Call.StartsWith("visitor", StringComparison.Ordinal) && !hadEntry && c.Problem == "no route (404)"))
                .Select(c => $"after {document}: {c.Call}: {c.Problem}"));
        }

        Assert.True(problems.Count == 0, $"{mode}, {step}:\n" + string.Join("\n", problems.Distinct()));
    }

    /// <summary>The test can fail: the cookie route without the 2.0 Services would send visitors to a backend that does not exist.</summary>
    [Fact]
    public void The_cookie_route_before_the_2_0_routes_would_break()
    {
        var index = GatewayApiTrack.IndexOf("gateway-api/step-3-add-routing-for-2.0-components.yaml");
        var state = GatewayApiTrack.After(index, DataPlane.Sidecar);
        GatewayApiTrack.Apply(state, GatewayApiTrack.Steps[index + 1], DataPlane.Sidecar);
        var graph = new TrackGraph(new GatewayRouter(state, DataPlane.Sidecar));
        Assert.Contains(graph.LiveCalls(GatewayRoutingTests.Visits()), c => c.Problem?.Contains("voting-app-2-0", StringComparison.Ordinal) == true);
    }
}
