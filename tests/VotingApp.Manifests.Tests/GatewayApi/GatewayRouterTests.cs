using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Routing;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>
/// The evaluator itself: the Gateway API's match precedence (HTTPRouteRule.matches in the v1.5.1 CRD),
/// whatever the order of the rules; first rule in list order on a tie; fields it does not know refused.
/// Each case changes the entry route of the weighted step (gateway-api step 3c).
/// </summary>
public sealed class GatewayRouterTests
{
    private static readonly int Weighted = GatewayApiTrack.IndexOf("gateway-api/step-3c-send-a-tenth-of-new-visitors-to-2.0.yaml") + 1;

    [Fact]
    public void A_header_match_outranks_a_rule_without_one_whatever_the_order()
    {
        var reversed = WithEntryRoute(rules => new JsonArray(rules.Reverse().Select(r => r!.DeepClone()).ToArray()));
        Assert.Equal(["2.0"], Versions(reversed, "featureflag=on"));
        Assert.Equal(["1.0"], Versions(reversed, "voting-track=1.0"));
        Assert.Equal(["1.0", "2.0"], Versions(reversed, null));
    }

    [Fact]
    public void On_a_tie_the_first_rule_in_list_order_wins()
    {
        // The featureflag rule comes before the sticky 1.0 rule: a visitor with both reaches 2.0 ...
        Assert.Equal(["2.0"], Versions(WithEntryRoute(rules => rules), "featureflag=on; voting-track=1.0"));
        // ... and with the two rules swapped, 1.0.
        var swapped = WithEntryRoute(rules =>
        {
            var list = rules.Select(r => r!.DeepClone()).ToList();
            (list[0], list[2]) = (list[2], list[0]);
            return new JsonArray([.. list]);
        });
        Assert.Equal(["1.0"], Versions(swapped, "featureflag=on; voting-track=1.0"));
    }

    [Fact]
    public void An_exact_path_outranks_a_prefix_with_more_headers()
    {
        var router = WithEntryRoute(rules =>
        {
            var prefix = rules[0]!.DeepClone().AsObject();
            prefix["matches"] = JsonNode.Parse("""[{"path":{"type":"PathPrefix","value":"/"},"headers":[{"name":"a","value":"1"},{"name":"b","value":"2"}]}]""");
            prefix["backendRefs"]![0]!["name"] = "voting-app-2-0";
            return new JsonArray([prefix, .. rules.Skip(3).Select(r => r!.DeepClone())]);
        });
        var request = new MeshRequest("/", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
        Assert.Equal(["1.0", "2.0"], router.Enter(request).Select(h => h.Target.Version).Distinct().Order());
        Assert.Equal(["2.0"], router.Enter(request with { Path = "/other" }).Select(h => h.Target.Version).Distinct());
    }

    [Theory]
    [InlineData("timeouts")]
    [InlineData("sessionPersistence")]
    [InlineData("retry")]
    [InlineData("name")]
    public void An_unknown_rule_field_is_refused(string field)
    {
        var router = WithEntryRoute(rules =>
        {
            rules[3]![field] = new JsonObject();
            return rules;
        });
        var error = Assert.Throws<NotSupportedException>(() => router.Enter(TrackGraph.Visit("GET", "/", null)));
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void Query_matches_and_other_filters_are_refused()
    {
        var query = WithEntryRoute(rules =>
        {
            rules[3]!["matches"]![0]!["queryParams"] = JsonNode.Parse("""[{"name":"x","value":"1"}]""");
            return rules;
        });
        Assert.Throws<NotSupportedException>(() => query.Enter(TrackGraph.Visit("GET", "/", null)));
        var mirror = WithEntryRoute(rules =>
        {
            rules[3]!["filters"]![0]!["type"] = "RequestMirror";
            return rules;
        });
        Assert.Throws<NotSupportedException>(() => mirror.Enter(TrackGraph.Visit("GET", "/", null)));
    }

    [Fact]
    public void A_backend_that_selects_no_pods_is_an_error()
    {
        var router = WithEntryRoute(rules =>
        {
            rules[3]!["backendRefs"]![1]!["name"] = "voting-app-3-0";
            return rules;
        });
        Assert.Throws<RoutingException>(() => router.Enter(TrackGraph.Visit("GET", "/", null)));
    }

    [Theory]
    [InlineData("/featureflag/set", true)]
    [InlineData("/featureflag/SET", false)]  // Exact is case-sensitive
    [InlineData("/featureflag/set/", false)]
    [InlineData("/%66eatureflag/set", true)] // Envoy decodes unreserved escapes first
    [InlineData("/metrics", false)]
    public void Exact_paths_match_as_Envoy_normalises_them(string path, bool routed) =>
        Assert.Equal(routed, WithEntryRoute(rules => rules).Enter(TrackGraph.Visit("POST", path, null)).Count > 0);

    private static string[] Versions(GatewayRouter router, string? cookie) =>
        router.Enter(TrackGraph.Visit("GET", "/", cookie)).Select(h => h.Target.Version!).Distinct().Order().ToArray();

    /// <summary>The sidecar state after the weighted step, with its entry route's rules changed.</summary>
    private static GatewayRouter WithEntryRoute(Func<JsonArray, JsonArray> change)
    {
        var state = GatewayApiTrack.After(Weighted, DataPlane.Sidecar);
        var original = state.Find("HTTPRoute", "voting-app")!;
        var json = original.Json.DeepClone().AsObject();
        json["spec"]!["rules"] = change(json["spec"]!["rules"]!.AsArray());
        state.Apply(GatewayApiTrack.Steps[Weighted - 1], new ManifestDocument(original.File, original.Index, json));
        return new GatewayRouter(state, DataPlane.Sidecar);
    }
}
