namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>docs/gateway-api-walkthrough.md gives the command of every step in both modes, and the sources of its platform facts.</summary>
public sealed class GatewayWalkthroughTests
{
    private static readonly string Walkthrough = File.ReadAllText(RepositoryPaths.Combine("docs/gateway-api-walkthrough.md"));

    [Theory]
    [MemberData(nameof(GatewayApiTrack.ModeSteps), MemberType = typeof(GatewayApiTrack))]
    public void Every_step_has_its_command(string mode, int steps)
    {
        var step = GatewayApiTrack.Steps[steps - 1];
        var path = mode == "ambient" && GatewayApiTrack.AmbientVariants.TryGetValue(step.File, out var variant) ? variant : step.File;
        var command = path.EndsWith(".yaml", StringComparison.Ordinal)
            ? $"kubectl {(step.Delete ? "delete" : "apply")} -f {path} --namespace voting"
            : $"kubectl kustomize --load-restrictor LoadRestrictionsNone {path} \\| kubectl {(step.Delete ? "delete" : "apply")} --namespace voting -f -";
        Assert.Contains(command, Walkthrough);
        Assert.Contains($"| {steps} |", Walkthrough);
    }

    [Theory]
    [InlineData("voting-app-gateway-istio", "releasenotes/notes/gateway-naming.yaml")]
    [InlineData("cluster.local/ns/voting/sa/waypoint", "https://istio.io/latest/docs/ambient/usage/waypoint")]
    [InlineData("istio.io/use-waypoint=waypoint", "https://istio.io/latest/docs/ambient/usage/l7-features")]
    [InlineData("from the waypoint only", "https://ambientmesh.io/docs/security/waypoint-authz")]
    [InlineData("sessionPersistence", "GEP-1619")]
    [InlineData("sigs.k8s.io/gateway-api v1.5.1", "standard-install.yaml")]
    [InlineData("Accepted=True ResolvedRefs=True", "kubectl get httproute -n voting -o wide")]
    public void Each_fact_is_in_the_walkthrough_with_its_source(string fact, string source)
    {
        Assert.Contains(fact, Walkthrough);
        Assert.Contains(source, Walkthrough);
    }

    /// <summary>Before the steps: Istio with the mesh's retry policy, and both Secrets that kubernetes steps 1 and 3 mount.</summary>
    [Theory]
    [InlineData("istioctl install --set profile=default -f gateway-api/mesh-config.yaml")]
    [InlineData("istioctl install --set profile=ambient -f gateway-api/mesh-config.yaml")]
    [InlineData("kubectl create secret generic voting-redis --namespace voting")]
    [InlineData("kubectl create secret generic voting-mysql --namespace voting")]
    [InlineData("**One platform: upstream Istio 1.30 installed with `istioctl`.**")]
    public void Before_the_steps_the_walkthrough_gives(string text) => Assert.Contains(text, Walkthrough);

    [Fact]
    public void The_readme_links_the_walkthrough() =>
        Assert.Contains("(docs/gateway-api-walkthrough.md)", File.ReadAllText(RepositoryPaths.Combine("README.md")));
}
