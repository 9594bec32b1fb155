using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Platforms;

/// <summary>
/// Each platform fact the files depend on is written once in platforms/&lt;platform&gt;/gateway/gateway.yaml,
/// equals <see cref="Platform"/>, and appears in docs/istio-walkthrough.md beside its source.
/// </summary>
public sealed class PlatformFactTests
{
    private static readonly string Walkthrough = File.ReadAllText(RepositoryPaths.Combine("docs/istio-walkthrough.md"));

    public static TheoryData<string> Variants() => new(Platform.Variants.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_gateway_values_of_each_variant_are_the_platforms(string name)
    {
        var platform = Platform.Named(name);
        var data = ManifestFile.Read($"platforms/{name}/gateway/gateway.yaml").Single().Json["data"]!;
        Assert.Equal(platform.GatewayLabel, data["label"]!.GetValue<string>());
        Assert.Equal(platform.GatewayPrincipal, data["principal"]!.GetValue<string>());
        Assert.Equal(platform.GatewayUrl, data["url"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void The_walkthrough_gives_each_platforms_gateway_and_ingress_ip_command(string name)
    {
        var platform = Platform.Named(name);
        Assert.Contains($"`istio: {platform.GatewayLabel}`", Walkthrough);
        Assert.Contains(platform.GatewayPrincipal, Walkthrough);
        Assert.Contains($"kubectl get service {platform.GatewayService} -n {platform.GatewayNamespace} -o jsonpath='{{.status.loadBalancer.ingress[0].ip}}'", Walkthrough);
        Assert.Contains($"PLATFORM={name}", Walkthrough);
    }

    /// <summary>
    /// Each platform's block sets the gateway's namespace and Service, and the commands that name them (the
    /// ingress IP, the HTTPS certificate's Secret) use those, so no command names a namespace the platform lacks
    /// (the AKS add-on has no istio-system).
    /// </summary>
    [Theory]
    [MemberData(nameof(Variants))]
    public void Each_platform_sets_its_gateway_namespace_and_the_commands_use_it(string name)
    {
        var platform = Platform.Named(name);
        var block = Walkthrough[Walkthrough.IndexOf($"$ PLATFORM={name}\n", StringComparison.Ordinal)..];
        block = block[..block.IndexOf("```", StringComparison.Ordinal)];
        Assert.Contains($"$ GATEWAY_NAMESPACE={platform.GatewayNamespace} GATEWAY_SERVICE={platform.GatewayService}\n", block);
        Assert.Contains("INGRESS_IP=$(kubectl get service $GATEWAY_SERVICE --namespace $GATEWAY_NAMESPACE", Walkthrough);
        Assert.Contains("kubectl create secret tls voting-app-tls --namespace $GATEWAY_NAMESPACE", Walkthrough);
        Assert.DoesNotContain("--namespace istio-system", Walkthrough);
    }

    /// <summary>The Helm gateway chart: label `istio` = name without "istio-", ServiceAccount and Service = name = release.</summary>
    [Fact]
    public void The_helm_values_follow_the_gateway_charts_helpers_for_release_istio_ingress()
    {
        const string release = "istio-ingress";
        Assert.Equal(release["istio-".Length..], Platform.Helm.GatewayLabel);
        Assert.Equal((release, release, release), (Platform.Helm.GatewayService, Platform.Helm.GatewayServiceAccount, Platform.Helm.GatewayNamespace));
        Assert.Contains($"helm install {release} istio/gateway -n {release}", Walkthrough);
    }

    public static TheoryData<string, string> DocumentedFacts() => new()
    {
        { "kubectl label namespace voting istio.io/rev=$REVISION", "https://learn.microsoft.com/azure/aks/istio-deploy-addon" },
        { "az aks show --resource-group $RESOURCE_GROUP --name $CLUSTER --query 'serviceMeshProfile.istio.revisions'", "https://learn.microsoft.com/javascript/api/@azure/arm-containerservice/istioservicemesh" },
        { "ISTIOCTL=\"istioctl --istioNamespace aks-istio-system\"", "https://learn.microsoft.com/azure/aks/istio-deploy-addon" },
        { "az aks mesh enable-ingress-gateway --resource-group $RESOURCE_GROUP --name $CLUSTER --ingress-gateway-type external", "https://learn.microsoft.com/azure/aks/istio-deploy-ingress" },
        { "kubectl get pod -n aks-istio-ingress -l istio=aks-istio-ingressgateway-external", "to be confirmed" },
        { "istio.io/rev=asm-x-y", "https://learn.microsoft.com/troubleshoot/azure/azure-kubernetes/extensions/istio-add-on-minor-revision-upgrade" },
        { "`asm-1-29`", "https://learn.microsoft.com/azure/aks/istio-native-sidecar" },
        { "helm install istio-ingress istio/gateway -n istio-ingress", "https://istio.io/latest/docs/setup/install/helm/" },
        { "trimPrefix", "manifests/charts/gateway/templates/_helpers.tpl" },
        { "subPath: mysql", "docker-library/mysql#186, #933" },
        { "deleted from voting namespace", "kubernetes/kubernetes#126619" },
        { "Istio **1.23 or later**", "`networking.istio.io/v1` and `security.istio.io/v1`" },
        { "`reset-before-request`", "istio/istio#52032" },
    };

    [Theory]
    [MemberData(nameof(DocumentedFacts))]
    public void Each_platform_fact_is_in_the_walkthrough_with_its_source(string fact, string source)
    {
        Assert.Contains(fact, Walkthrough);
        Assert.Contains(source, Walkthrough);
    }

    /// <summary>The comments state the image and Istio facts with their sources, and no longer the untrue ones.</summary>
    [Fact]
    public void The_step_files_cite_their_sources_and_drop_the_untrue_comments()
    {
        var step1 = File.ReadAllText(RepositoryPaths.Combine("kubernetes/step-1-create-voting-app.yaml"));
        var step3 = File.ReadAllText(RepositoryPaths.Combine("kubernetes/step-3-update-voting-app-with-new-storage.yaml"));
        Assert.Contains("docker-library/redis alpine/Dockerfile", step1);
        Assert.Contains("docker-library/mysql issues #186 and #933", step3);
        Assert.All(new[] { step1, step3 }, text =>
        {
            Assert.Contains("istio.io/latest/docs/ops/configuration/mesh/app-health-check/", text);
            Assert.DoesNotContain("the sidecar accepts any TCP connection", text);
        });
    }
}
