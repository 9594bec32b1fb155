using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// The optional HTTPS Gateway (istio/https/voting-app-gateway.yaml) is a drop-in for istio step 1's: same
/// object, HTTP only redirects, HTTPS with a certificate Secret, hosts scoped to the namespace; with it every
/// step routes exactly as with the plain Gateway. The plain Gateway is namespace-scoped too.
/// </summary>
public sealed class HttpsGatewayTests
{
    private static readonly string File = ManifestFiles.HttpsGateway.File;

    [Fact]
    public void It_redirects_http_and_serves_https_with_a_certificate_for_namespace_scoped_hosts()
    {
        var gateway = Assert.Single(ManifestFile.Read(File));
        Assert.Equal("Gateway/voting-app-gateway", gateway.Key);
        Assert.DoesNotContain(ManifestFiles.Steps, step => step.File == File);
        var servers = ClusterState.Items(gateway.Json["spec"]!["servers"]).ToList();
        var http = servers.Single(s => s["port"]!["protocol"]!.GetValue<string>() == "HTTP");
        Assert.True(http["tls"]!["httpsRedirect"]!.GetValue<bool>());
        var https = servers.Single(s => s["port"]!["protocol"]!.GetValue<string>() == "HTTPS");
        Assert.Equal(443, https["port"]!["number"]!.GetValue<int>());
        Assert.Equal("SIMPLE", https["tls"]!["mode"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(https["tls"]!["credentialName"]?.GetValue<string>()));
        Assert.All(servers.SelectMany(s => s["hosts"]!.AsArray().Select(h => h!.GetValue<string>())), AssertNamespaceScoped);
    }

    [Fact]
    public void The_plain_gateway_is_namespace_scoped_too()
    {
        var gateway = ManifestFile.Read("istio/step-1-create-voting-app-gateway.yaml").Single(d => d.Kind == "Gateway");
        Assert.All(ClusterState.Items(gateway.Json["spec"]!["servers"]).SelectMany(s => s["hosts"]!.AsArray().Select(h => h!.GetValue<string>())),
            AssertNamespaceScoped);
    }

    [Theory]
    [MemberData(nameof(CrossReferenceTests.StepCounts), MemberType = typeof(CrossReferenceTests))]
    public void Every_step_routes_the_same_behind_the_https_gateway(int steps)
    {
        var plain = new CallGraph(new MeshRouter(ClusterState.After(steps)));
        var state = ClusterState.After(steps);
        if (state.Find("Gateway", "voting-app-gateway") is null) return;
        var https = Assert.Single(ManifestFile.Read(File));
        state.Apply(new RolloutStep(File), https);
        var secure = new CallGraph(new MeshRouter(state));
        foreach (var cookie in RoutingTests.FlagOn.Concat(RoutingTests.FlagOff))
        {
            Assert.True(plain.PageChains(cookie).SetEquals(secure.PageChains(cookie)), $"after {ManifestFiles.Steps[steps - 1]}, cookie {cookie}");
            Assert.NotEmpty(secure.PageChains(cookie));
        }
    }

    [Theory]
    [InlineData("*", "voting", true)]
    [InlineData("*/*", "voting", true)]
    [InlineData("voting/*", "voting", true)]
    [InlineData("voting/*", "attacker", false)]
    [InlineData("./*", "voting", true)]
    [InlineData("voting/voting.example.com", "voting", true)]
    public void Gateway_hosts_name_the_namespaces_whose_virtual_services_bind(string host, string ns, bool binds) =>
        Assert.Equal(binds, MeshRouter.BindsNamespace(host, ns));

    /// <summary>A redirect-only server takes no requests: with nothing else, the gateway routes nothing.</summary>
    [Fact]
    public void A_gateway_that_only_redirects_routes_nothing()
    {
        var state = ClusterState.After(ManifestFiles.Steps.Count);
        var https = Assert.Single(ManifestFile.Read(File));
        var json = https.Json.DeepClone().AsObject();
        json["spec"]!["servers"]!.AsArray().RemoveAt(1);
        state.Apply(new RolloutStep(File), new ManifestDocument(https.File, https.Index, json));
        Assert.Empty(new CallGraph(new MeshRouter(state)).PageChains(null));
    }

    private static void AssertNamespaceScoped(string host)
    {
        var parts = host.Split('/');
        Assert.True(parts.Length == 2 && parts[0] is not ("*" or ""), $"{host}: not scoped to a namespace");
        Assert.True(parts[0] is "." or MeshRouter.ManifestNamespace, $"{host}: scoped to {parts[0]}");
    }
}
