using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Platforms;

/// <summary>
/// An Istio installation the rollout runs on, with the facts about its ingress gateway that the files
/// depend on: the label the Gateway selects it by, its namespace, Service and ServiceAccount (its mesh
/// identity), and the namespace of the control plane. "files" is the step files as they are (upstream
/// istioctl's default gateway); the others are the kustomize variants under platforms/&lt;name&gt;/, rendered
/// with `kubectl kustomize`. Sources of each fact are in docs/istio-walkthrough.md#platforms and in
/// <see cref="PlatformFactTests"/>.
/// </summary>
public sealed record Platform(
    string Name,
    string GatewayLabel,
    string GatewayNamespace,
    string GatewayService,
    string GatewayServiceAccount,
    string IstioNamespace,
    bool Variant = true)
{
    /// <summary>`istioctl install --set profile=default`: istio=ingressgateway in istio-system.</summary>
    public static Platform Files { get; } =
        new("files", "ingressgateway", "istio-system", "istio-ingressgateway", "istio-ingressgateway-service-account", "istio-system", Variant: false);

    /// <summary>The same installation, through platforms/istioctl (the plain files plus the registry's images).</summary>
    public static Platform Istioctl { get; } = Files with { Name = "istioctl", Variant = true };

    /// <summary>`helm install istio-ingress istio/gateway -n istio-ingress`: labels and account from the release name.</summary>
    public static Platform Helm { get; } =
        new("helm", "ingress", "istio-ingress", "istio-ingress", "istio-ingress", "istio-system");

    /// <summary>The AKS Istio add-on's external ingress gateway (`az aks mesh enable-ingress-gateway --ingress-gateway-type external`).</summary>
    public static Platform Aks { get; } =
        new("aks", "aks-istio-ingressgateway-external", "aks-istio-ingress", "aks-istio-ingressgateway-external",
            "aks-istio-ingressgateway-external", "aks-istio-system");

    public static IReadOnlyList<Platform> All { get; } = [Files, Istioctl, Helm, Aks];
    public static IReadOnlyList<Platform> Variants { get; } = All.Where(p => p.Variant).ToList();

    public static Platform Named(string name) => All.Single(p => p.Name == name);

    /// <summary>For [MemberData]: every platform's name (xunit shows each as its own case).</summary>
    public static TheoryData<string> Names() => new(All.Select(p => p.Name));

    /// <summary>The mesh identity of the gateway's pods, as AuthorizationPolicies name it.</summary>
    public string GatewayPrincipal => $"cluster.local/ns/{GatewayNamespace}/sa/{GatewayServiceAccount}";

    /// <summary>Where a pod in the cluster reaches the gateway (the load generator's target).</summary>
    public string GatewayUrl => $"http://{GatewayService}.{GatewayNamespace}.svc.cluster.local/";

    /// <summary>platforms/aks/istio/step-1: the variant of one step (or of kubernetes/loadgenerator.yaml).</summary>
    public string VariantFolder(RolloutStep step) =>
        Variant ? $"platforms/{Name}/{step.File.Split('/')[0]}/{step.Id}" : throw new InvalidOperationException("the plain files have no variant folder");

    /// <summary>The documents of one step on this platform, in the order kubectl applies them.</summary>
    public IReadOnlyList<ManifestDocument> Read(RolloutStep step) =>
        Variant ? Kustomize.Render(VariantFolder(step)) : ManifestFile.Read(step.File);

    public override string ToString() => Name;
}
