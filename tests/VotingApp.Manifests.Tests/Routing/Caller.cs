using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Platforms;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>Who sends a request: a pod of a Deployment, or Istio's ingress gateway.</summary>
public sealed record Caller(string Name, IReadOnlyDictionary<string, string> Labels, string Principal, string? Gateway)
{
    /// <summary>The default install's ingress gateway: label istio=ingressgateway, its own ServiceAccount.</summary>
    public static Caller IngressGateway(string gateway) => IngressGateway(Platform.Files, gateway);

    /// <summary>A platform's ingress gateway: its `istio` label and its ServiceAccount's identity.</summary>
    public static Caller IngressGateway(Platform platform, string gateway) => new("istio-ingressgateway",
        new Dictionary<string, string> { ["istio"] = platform.GatewayLabel }, platform.GatewayPrincipal, gateway);

    public static Caller Pod(Workload workload) => new(workload.Name, workload.PodLabels, workload.Principal, null);

    /// <summary>The namespace the caller runs in, from its identity (cluster.local/ns/NAMESPACE/sa/ACCOUNT).</summary>
    public string Namespace => Principal.Split('/') is [_, "ns", var ns, "sa", _] ? ns : throw new FormatException($"{Name}: principal {Principal}");

    public override string ToString() => Name;
}

/// <summary>An HTTP request (method, path as sent, headers with lower-case names), or a TCP connection when Http is false.</summary>
public sealed record MeshRequest(string Path, IReadOnlyDictionary<string, string> Headers, bool Http = true, string Method = "GET")
{
    public static MeshRequest Get(string path, string? cookie = null) => Send("GET", path, cookie);

    public static MeshRequest Send(string method, string path, string? cookie = null) =>
        new(path, cookie is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["cookie"] = cookie }, Method: method);

    public override string ToString() => Http ? $"{Method} {Path}" : "tcp";

    public static MeshRequest Tcp { get; } = new("", new Dictionary<string, string>(), false);
}
