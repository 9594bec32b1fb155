using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Platforms;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Cluster;

/// <summary>
/// The objects in namespace `voting` after some steps of the walkthrough: `apply` creates or replaces
/// an object by kind and name, `delete` removes it. (kubectl apply merges, but every step file carries
/// whole objects, so replacing is what the result looks like.) The documents are the step files as they
/// are, or a platform's kustomize variant of each step.
/// </summary>
public sealed class ClusterState(Platform? platform = null)
{
    private readonly Dictionary<string, ManifestDocument> _objects = new(StringComparer.Ordinal);

    /// <summary>Where the files were rendered for: which ingress gateway calls in, under which identity.</summary>
    public Platform Platform { get; } = platform ?? Platform.Files;

    public IEnumerable<ManifestDocument> Objects => _objects.Values;

    /// <summary>
    /// The objects after the first <paramref name="stepCount"/> steps (and what the operator created before
    /// them, which is the same file on every platform: no variant renders it).
    /// </summary>
    public static ClusterState After(int stepCount, Platform? platform = null)
    {
        var state = new ClusterState(platform);
        foreach (var file in ManifestFiles.OperatorObjects)
        {
            var created = new RolloutStep(file);
            foreach (var document in ManifestFile.Read(file)) state.Apply(created, document);
        }

        foreach (var step in ManifestFiles.Steps.Take(stepCount))
        {
            state.Apply(step);
        }

        return state;
    }

    /// <summary>The state after each step in turn, with the step that led to it.</summary>
    public static IEnumerable<(RolloutStep Step, ClusterState State)> EveryStep() =>
        ManifestFiles.Steps.Select((step, index) => (step, After(index + 1)));

    /// <summary>The same objects, to apply more documents to without changing this state.</summary>
    public ClusterState Copy()
    {
        var copy = new ClusterState(Platform);
        foreach (var (key, document) in _objects) copy._objects[key] = document;
        return copy;
    }

    public void Apply(RolloutStep step)
    {
        foreach (var document in Platform.Read(step))
        {
            Apply(step, document);
        }
    }

    public void Apply(RolloutStep step, ManifestDocument document)
    {
        if (!step.Delete)
        {
            _objects[document.Key] = document;
        }
        else if (!_objects.Remove(document.Key))
        {
            throw new InvalidOperationException($"{step}: {document.Key} does not exist at that point, kubectl delete would fail");
        }
    }

    public IEnumerable<ManifestDocument> OfKind(string kind) => _objects.Values.Where(o => o.Kind == kind);

    public ManifestDocument? Find(string kind, string name) => _objects.GetValueOrDefault($"{kind}/{name}");

    public IEnumerable<Workload> Workloads => OfKind("Deployment").Select(d => new Workload(d));

    public static IEnumerable<JsonObject> Items(JsonNode? array) => array?.AsArray().Select(n => n!.AsObject()) ?? [];
}
