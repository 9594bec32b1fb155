using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Platforms;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>
/// The whole cluster as the walkthrough's commands leave it: namespaces and their labels, the API groups
/// served, the objects of every namespace, and what an installer put there (the control plane, the ingress
/// gateways' pods, the Helm repositories). An object is replaced whole on apply, as <see cref="ClusterState"/>
/// does for one namespace; objects that come from outside the repository (Istio's sample add-ons, Flagger)
/// are kept by kind and name only.
/// </summary>
public sealed class ClusterModel
{
    /// <summary>What every cluster serves before anything is installed (Kubernetes 1.34's built-in groups).</summary>
    private static readonly string[] BuiltInGroups =
        ["", "apps", "batch", "policy", "autoscaling", "networking.k8s.io", "rbac.authorization.k8s.io", "apiextensions.k8s.io"];

    private readonly Dictionary<string, Dictionary<string, string>> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Namespace, string Key), ManifestDocument> _objects = new();
    private readonly HashSet<(string Namespace, string Key)> _external = [];
    private readonly HashSet<string> _groups = new(BuiltInGroups, StringComparer.Ordinal);
    private readonly List<GatewayPods> _gateways = [];
    private readonly HashSet<string> _helmRepositories = new(StringComparer.Ordinal);

    public ClusterModel(Platform platform)
    {
        Platform = platform;
        // A new cluster's namespaces (kubernetes.io/docs/concepts/overview/working-with-objects/namespaces).
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease" }) _namespaces[name] = [];
    }

    /// <summary>A cluster holding one namespace voting with these objects (for checks on the step files alone).</summary>
    public static ClusterModel From(ClusterState state)
    {
        var model = new ClusterModel(state.Platform);
        model.EnsureNamespace("voting");
        foreach (var document in state.Objects) model._objects[("voting", document.Key)] = document;
        return model;
    }

    /// <summary>Where the routes and policies of namespace voting are evaluated (their gateway's facts).</summary>
    public Platform Platform { get; }

    /// <summary>The Istio control plane, once installed: its namespace, and whether it injects only by revision label.</summary>
    public ControlPlane? Istio { get; set; }

    /// <summary>Each Canary's primary pod template, as Flagger last copied it (<see cref="FlaggerCanaries"/>).</summary>
    public Dictionary<(string Namespace, string Canary), System.Text.Json.Nodes.JsonNode> Primaries { get; } = [];

    public IReadOnlyCollection<string> Namespaces => _namespaces.Keys;
    public IReadOnlyDictionary<string, string> Labels(string ns) => _namespaces[ns];
    public bool HasNamespace(string ns) => _namespaces.ContainsKey(ns);
    public bool Serves(string group) => _groups.Contains(group);
    public IReadOnlyList<GatewayPods> Gateways => _gateways;
    public IReadOnlySet<string> HelmRepositories => _helmRepositories;

    /// <summary>Every object from the repository, with its namespace ("" for cluster-scoped).</summary>
    public IEnumerable<(string Namespace, ManifestDocument Document)> Objects =>
        _objects.Select(o => (o.Key.Namespace, o.Value));

    /// <summary>Namespace voting as the routing and policy evaluators take it.</summary>
    public ClusterState Voting => State("voting");

    /// <summary>A namespace as the routing and policy evaluators take it.</summary>
    public ClusterState State(string ns)
    {
        var state = new ClusterState(Platform);
        foreach (var (_, document) in Objects.Where(o => o.Namespace == ns)) state.Apply(new RolloutStep(document.File), document);
        return state;
    }

    public IEnumerable<ManifestDocument> InNamespace(string ns, string? kind = null) =>
        _objects.Where(o => o.Key.Namespace == ns && (kind is null || o.Value.Kind == kind)).Select(o => o.Value);

    public bool Exists(string ns, string kind, string name) =>
        _objects.ContainsKey((ns, $"{kind}/{name}")) || _external.Contains((ns, $"{kind}/{name}"));

    public ManifestDocument? Find(string ns, string kind, string name) => _objects.GetValueOrDefault((ns, $"{kind}/{name}"));

    public void CreateNamespace(string name)
    {
        if (!_namespaces.TryAdd(name, [])) throw new CommandFailed($"namespaces \"{name}\" already exists");
    }

    public void EnsureNamespace(string name) => _namespaces.TryAdd(name, []);

    public void DeleteNamespace(string name)
    {
        if (!_namespaces.Remove(name)) throw new CommandFailed($"namespaces \"{name}\" not found");
        foreach (var key in _objects.Keys.Where(k => k.Namespace == name).ToList()) _objects.Remove(key);
        _external.RemoveWhere(k => k.Namespace == name);
        _gateways.RemoveAll(g => g.Namespace == name);
    }

    public void Label(string ns, string key, string value, bool overwrite)
    {
        var labels = _namespaces.GetValueOrDefault(ns) ?? throw new CommandFailed($"namespaces \"{ns}\" not found");
        if (!overwrite && labels.TryGetValue(key, out var old) && old != value)
        {
            throw new CommandFailed($"'{key}' already has a value ({old}), and --overwrite is false");
        }

        labels[key] = value;
    }

    public void Unlabel(string ns, string key)
    {
        var labels = _namespaces.GetValueOrDefault(ns) ?? throw new CommandFailed($"namespaces \"{ns}\" not found");
        labels.Remove(key);
    }

    public void Serve(params string[] groups) => _groups.UnionWith(groups);

    public void AddHelmRepository(string name) => _helmRepositories.Add(name);

    public void AddGateway(GatewayPods gateway)
    {
        _gateways.RemoveAll(g => g.Namespace == gateway.Namespace && g.ServiceAccount == gateway.ServiceAccount);
        _gateways.Add(gateway);
        Put(gateway.Namespace, "ServiceAccount", gateway.ServiceAccount);
        Put(gateway.Namespace, "Service", gateway.Service);
    }

    /// <summary>An object made by something outside the repository (an installer, a controller, a URL).</summary>
    public void Put(string ns, string kind, string name)
    {
        RequireNamespace(ns);
        _external.Add((ns, $"{kind}/{name}"));
    }

    /// <summary>`kubectl apply`: the namespace must exist and the kind be served; cluster-scoped Namespaces merge labels.</summary>
    public void Apply(string ns, ManifestDocument document)
    {
        RequireServed(document);
        if (document.Kind == "Namespace")
        {
            EnsureNamespace(document.Name);
            foreach (var (key, value) in Workload.Labels(document.Json["metadata"]?["labels"])) _namespaces[document.Name][key] = value;
            return;
        }

        RequireNamespace(ns);
        _objects[(ns, document.Key)] = document;
    }

    public void Delete(string ns, string kind, string name)
    {
        if (kind == "Namespace") { DeleteNamespace(name); return; }
        RequireNamespace(ns);
        if (!_objects.Remove((ns, $"{kind}/{name}")) && !_external.Remove((ns, $"{kind}/{name}")))
        {
            throw new CommandFailed($"{kind} \"{name}\" not found in namespace {ns}");
        }
    }

    public void RequireNamespace(string ns)
    {
        if (!_namespaces.ContainsKey(ns)) throw new CommandFailed($"namespaces \"{ns}\" not found");
    }

    private void RequireServed(ManifestDocument document)
    {
        var group = document.ApiVersion.Contains('/') ? document.ApiVersion.Split('/')[0] : "";
        if (!_groups.Contains(group))
        {
            throw new CommandFailed($"resource mapping not found for kind \"{document.Kind}\" in version \"{document.ApiVersion}\": ensure CRDs are installed first");
        }
    }

    public ClusterModel Copy()
    {
        var copy = new ClusterModel(Platform) { Istio = Istio };
        copy._namespaces.Clear();
        foreach (var (name, labels) in _namespaces) copy._namespaces[name] = new Dictionary<string, string>(labels);
        foreach (var (key, document) in _objects) copy._objects[key] = document;
        copy._external.UnionWith(_external);
        copy._groups.UnionWith(_groups);
        copy._gateways.AddRange(_gateways);
        copy._helmRepositories.UnionWith(_helmRepositories);
        foreach (var (key, template) in Primaries) copy.Primaries[key] = template;
        return copy;
    }

    public static JsonNode? Path(JsonNode? node, params string[] keys) => keys.Aggregate(node, (n, key) => n?[key]);
}

/// <summary>
/// An Istio control plane: its namespace; revisioned ones inject only into namespaces labelled istio.io/rev;
/// its meshConfig.defaultHttpRetryPolicy when the install set one (null: Istio's default).
/// </summary>
public sealed record ControlPlane(string Namespace, bool RevisionOnly, bool Ambient, JsonNode? DefaultHttpRetryPolicy = null);

/// <summary>An ingress gateway's pods: where they run, their labels, Service and ServiceAccount (their mesh identity).</summary>
public sealed record GatewayPods(string Namespace, IReadOnlyDictionary<string, string> PodLabels, string Service, string ServiceAccount)
{
    public string Principal => $"cluster.local/ns/{Namespace}/sa/{ServiceAccount}";
}

/// <summary>What kubectl, helm or istioctl would answer with an error: the walkthrough breaks at that command.</summary>
public sealed class CommandFailed(string message) : Exception(message);
