using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>The AuthorizationPolicy evaluator and the path normalization against Istio's documented semantics.</summary>
public sealed class AuthorizationEvaluatorTests
{
    [Theory]
    [InlineData("/api/votes", "/api/votes", true)]
    [InlineData("/api/votes", "/api/VOTES", false)]     // case-sensitive
    [InlineData("/api/votes", "/api/votes/", false)]
    [InlineData("/api/*", "/api/votes", true)]          // prefix
    [InlineData("/api/*", "/api/", true)]
    [InlineData("/api/*", "/apis", false)]
    [InlineData("*/votes", "/api/votes", true)]         // suffix
    [InlineData("*/votes", "/api/vote", false)]
    [InlineData("*", "/anything", true)]                // presence
    [InlineData("*", "", false)]
    public void Strings_match_exact_prefix_suffix_or_presence(string pattern, string value, bool matches) =>
        Assert.Equal(matches, IstioAuthorization.StringMatches(pattern, value));

    /// <summary>The examples of istio.io/latest/docs/reference/config/security/normalization, and the bypasses tried here.</summary>
    [Theory]
    [InlineData("/some%2fdata/%61%62%63", "/some%2fdata/abc")]   // %2f stays encoded under BASE
    [InlineData("/some\\data", "/some/data")]
    [InlineData("/public/./data/abc/../xyz", "/public/data/xyz")]
    [InlineData("/some//data", "/some//data")]                  // slashes are merged only with MERGE_SLASHES
    [InlineData("/foo?v=1", "/foo")]
    [InlineData("/%6detrics", "/metrics")]
    [InlineData("/%4Detrics", "/Metrics")]
    [InlineData("/%2e%2e/metrics", "/metrics")]
    [InlineData("/..", "/")]
    [InlineData("/%20x", "/%20x")]
    [InlineData("/a%00b", null)]                                // 400
    public void Paths_are_normalized_as_envoy_does_by_default(string path, string? expected) =>
        Assert.Equal(expected, IstioPath.Normalize(path));

    [Fact]
    public void Deny_comes_before_allow_and_no_policy_allows_everything()
    {
        var (state, target, caller) = StorageAndAnalytics();
        Assert.True(IstioAuthorization.Allows(state, caller, target, MeshRequest.Get("/api/votes")));
        Assert.False(IstioAuthorization.Allows(state, caller, target, MeshRequest.Send("DELETE", "/api/votes")));

        state.Apply(new RolloutStep("test"), Policy("deny-reads", """{"selector":{"matchLabels":{"app":"voting-storage"}},"action":"DENY","rules":[{"to":[{"operation":{"methods":["GET"]}}]}]}"""));
        Assert.False(IstioAuthorization.Allows(state, caller, target, MeshRequest.Get("/api/votes")));

        var empty = new ClusterState();
        Assert.True(IstioAuthorization.Allows(empty, caller, target, MeshRequest.Send("DELETE", "/api/votes")));
        empty.Apply(new RolloutStep("test"), Policy("allow-nothing", "{}"));
        Assert.False(IstioAuthorization.Allows(empty, caller, target, MeshRequest.Send("GET", "/api/votes")));
        Assert.False(IstioAuthorization.Allows(empty, caller, target, MeshRequest.Tcp));
    }

    [Fact]
    public void An_allow_rule_with_http_fields_never_matches_a_tcp_connection()
    {
        var (state, target, caller) = StorageAndAnalytics();
        Assert.False(IstioAuthorization.Allows(state, caller, target, MeshRequest.Tcp));
        Assert.True(IstioAuthorization.Allows(state, caller, target, null));
    }

    [Theory]
    [InlineData("""{"rules":[{"to":[{"operation":{"notPaths":["/metrics"]}}]}]}""")]
    [InlineData("""{"rules":[{"when":[{"key":"request.headers[x]","values":["1"]}]}]}""")]
    [InlineData("""{"rules":[{"from":[{"source":{"ipBlocks":["10.0.0.0/8"]}}]}]}""")]
    [InlineData("""{"action":"CUSTOM","provider":{"name":"x"}}""")]
    public void Fields_it_does_not_evaluate_are_refused(string spec)
    {
        var (state, target, caller) = StorageAndAnalytics();
        state.Apply(new RolloutStep("test"), Policy("unknown", spec));
        Assert.Throws<NotSupportedException>(() => IstioAuthorization.Allows(state, caller, target, MeshRequest.Get("/api/votes")));
    }

    private static (ClusterState State, Workload Target, Caller Caller) StorageAndAnalytics()
    {
        var state = ClusterState.After(ManifestFiles.Steps.ToList().FindIndex(s => s.File.StartsWith("istio/step-2", StringComparison.Ordinal)) + 1);
        return (state, state.Workloads.First(w => w.App == "voting-storage"), Caller.Pod(state.Workloads.First(w => w.App == "voting-analytics")));
    }

    private static ManifestDocument Policy(string name, string spec) => new("test", 0, new JsonObject
    {
        ["apiVersion"] = "security.istio.io/v1",
        ["kind"] = "AuthorizationPolicy",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = JsonNode.Parse(spec),
    });
}
