using VotingApp.Manifests.Tests.Platforms;

namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>
/// What the installers the walkthroughs run leave in the cluster, as far as the checks need it: the API
/// groups they serve, the namespaces they create, the control plane and the ingress gateway's pods (labels,
/// Service, ServiceAccount). The gateway facts are <see cref="Platform"/>'s, with their sources there and in
/// docs/istio-walkthrough.md#platforms; Helm's are computed from the release name as the chart does.
/// </summary>
public static class Installers
{
    /// <summary>Istio's CRDs (istioctl install, the istio/base chart, the AKS add-on).</summary>
    public static readonly string[] IstioGroups = ["networking.istio.io", "security.istio.io", "telemetry.istio.io", "extensions.istio.io"];

    /// <summary>
    /// `istioctl install --set profile=…`: the control plane in istio-system; the default profile adds the
    /// ingress gateway (manifests/charts/gateways/istio-ingress/values.yaml), the ambient profile has none
    /// and runs ztunnel instead (manifests/profiles/ambient.yaml).
    /// </summary>
    public static void Istioctl(ClusterModel cluster, string profile)
    {
        if (profile is not ("default" or "ambient")) throw new NotSupportedException($"istioctl profile {profile} is not modelled");
        cluster.EnsureNamespace("istio-system");
        cluster.Serve(IstioGroups);
        cluster.Istio = new ControlPlane("istio-system", RevisionOnly: false, Ambient: profile == "ambient");
        if (profile == "default") cluster.AddGateway(Gateway(Platform.Istioctl));
    }

    /// <summary>`helm install RELEASE CHART -n NS` of Istio's charts (istio.io/latest/docs/setup/install/helm).</summary>
    public static void Helm(ClusterModel cluster, string release, string chart, string ns)
    {
        switch (chart)
        {
            case "istio/base":
                cluster.Serve(IstioGroups);
                break;
            case "istio/istiod":
                if (!cluster.Serves(IstioGroups[0])) throw new CommandFailed("istiod needs Istio's CRDs (the istio/base chart) first");
                cluster.Istio = new ControlPlane(ns, RevisionOnly: false, Ambient: false);
                break;
            case "istio/gateway":
                // manifests/charts/gateway/templates/_helpers.tpl: name = release, label istio = name without "istio-".
                var label = release.StartsWith("istio-", StringComparison.Ordinal) ? release["istio-".Length..] : release;
                cluster.AddGateway(new GatewayPods(ns, new Dictionary<string, string> { ["istio"] = label, ["app"] = release }, release, release));
                break;
            default:
                throw new NotSupportedException($"helm chart {chart} is not modelled");
        }
    }

    /// <summary>`az aks mesh enable`: the add-on's control plane in aks-istio-system, injecting only by istio.io/rev.</summary>
    public static void AksMesh(ClusterModel cluster)
    {
        cluster.EnsureNamespace(Platform.Aks.IstioNamespace);
        cluster.Serve(IstioGroups);
        cluster.Istio = new ControlPlane(Platform.Aks.IstioNamespace, RevisionOnly: true, Ambient: false);
    }

    /// <summary>`az aks mesh enable-ingress-gateway --ingress-gateway-type external`.</summary>
    public static void AksIngress(ClusterModel cluster, string type)
    {
        if (cluster.Istio?.Namespace != Platform.Aks.IstioNamespace) throw new CommandFailed("the Istio add-on is not enabled");
        if (type != "external") throw new NotSupportedException($"AKS ingress gateway type {type} is not modelled");
        cluster.EnsureNamespace(Platform.Aks.GatewayNamespace);
        cluster.AddGateway(Gateway(Platform.Aks));
    }

    private static GatewayPods Gateway(Platform platform) =>
        new(platform.GatewayNamespace, new Dictionary<string, string> { ["istio"] = platform.GatewayLabel }, platform.GatewayService, platform.GatewayServiceAccount);

    /// <summary>A manifest applied from a URL: the groups it serves and the objects it makes, in the namespace they name.</summary>
    public sealed record RemoteManifest(string Namespace, string[] Groups, (string Kind, string Name)[] Objects);

    /// <summary>
    /// The manifests the walkthroughs apply from the network. None carries its Namespace: Istio's sample
    /// add-ons name istio-system in every object (samples/addons/*.yaml), Flagger's kustomization sets
    /// `namespace: istio-system` (kustomize/istio/kustomization.yaml), so the namespace must exist first.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, RemoteManifest> Remote = new Dictionary<string, RemoteManifest>
    {
        ["https://raw.githubusercontent.com/istio/istio/release-1.30/samples/addons/prometheus.yaml"] =
            new("istio-system", [], [("ServiceAccount", "prometheus"), ("Service", "prometheus"), ("Deployment", "prometheus")]),
        ["https://raw.githubusercontent.com/istio/istio/release-1.30/samples/addons/grafana.yaml"] =
            new("istio-system", [], [("ServiceAccount", "grafana"), ("Service", "grafana"), ("Deployment", "grafana")]),
        ["github.com/fluxcd/flagger//kustomize/istio"] =
            new("istio-system", ["flagger.app"], [("ServiceAccount", "flagger"), ("Deployment", "flagger")]),
        // Cluster-scoped CRDs only (gateway-api v1.5.1 release asset).
        ["https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml"] =
            new("", ["gateway.networking.k8s.io"], []),
    };
}
