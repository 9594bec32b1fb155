using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>The evaluator itself: it refuses what it does not understand, and its regex is RE2-like.</summary>
public sealed class EvaluatorTests
{
    [Theory]
    [InlineData("fault")]
    [InlineData("mirror")]
    [InlineData("rewrite")]
    [InlineData("timeout")]
    public void An_unknown_route_field_is_refused(string field)
    {
        var graph = WithCanaryRoute(route => route[field] = new JsonObject());
        var error = Assert.Throws<NotSupportedException>(() => graph.PageChains(null));
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void An_unknown_match_field_is_refused()
    {
        var graph = WithCanaryRoute(route => route["match"]![0]!["queryParams"] = new JsonObject { ["x"] = new JsonObject { ["exact"] = "1" } });
        Assert.Throws<NotSupportedException>(() => graph.PageChains(null));
    }

    [Fact]
    public void A_route_to_an_undefined_subset_is_an_error()
    {
        var graph = WithCanaryRoute(route => route["route"]![0]!["destination"]!["subset"] = "v3-0");
        Assert.Throws<RoutingException>(() => graph.PageChains("featureflag=on"));
    }

    [Fact]
    public void Weights_split_traffic_and_must_add_up()
    {
        var both = WithCanaryRoute(route => route["route"] = new JsonArray(
            Destination("v1-0", 90), Destination("v2-0", 10)));
        Assert.Equal(2, both.Apps("featureflag=on").Select(w => w.Version).Distinct().Count());
        var broken = WithCanaryRoute(route => route["route"] = new JsonArray(Destination("v1-0", 90), Destination("v2-0", 20)));
        Assert.Throws<RoutingException>(() => broken.Apps("featureflag=on"));
    }

    [Theory]
    [InlineData("a.c", "abc", true)]
    [InlineData("a.c", "xabc", false)] // whole value, as Envoy matches
    [InlineData("(a)\\1", "aa", null)] // backreferences: RE2 has none
    [InlineData("a(?=b)", "ab", null)] // lookahead: RE2 has none
    public void The_regex_matches_whole_values_and_refuses_what_RE2_lacks(string pattern, string value, bool? expected)
    {
        if (expected is { } result) Assert.Equal(result, Re2Regex.FullMatch(pattern, value));
        else Assert.ThrowsAny<NotSupportedException>(() => Re2Regex.FullMatch(pattern, value));
    }

    private static JsonObject Destination(string subset, int weight) => new()
    {
        ["destination"] = new JsonObject { ["host"] = "voting-app", ["subset"] = subset },
        ["weight"] = weight,
    };

    /// <summary>The state after istio step 3b, with its cookie route changed.</summary>
    private static CallGraph WithCanaryRoute(Action<JsonObject> change)
    {
        var step = ManifestFiles.Step("istio/step-3b-route-the-featureflag-cookie-to-2.0.yaml");
        var state = ClusterState.After(ManifestFiles.Steps.ToList().IndexOf(step) + 1);
        var original = state.Find("VirtualService", "voting-app")!;
        var json = original.Json.DeepClone().AsObject();
        change(json["spec"]!["http"]![0]!.AsObject());
        state.Apply(step, new ManifestDocument(original.File, original.Index, json));
        return new CallGraph(new MeshRouter(state));
    }
}
