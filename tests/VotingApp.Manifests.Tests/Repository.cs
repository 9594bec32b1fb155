using VotingApp.Testing;

namespace VotingApp.Manifests.Tests;

/// <summary>The manifest files of this repository and the order in which the walkthrough uses them.</summary>
public static class Repository
{
    public static string Root => RepositoryPaths.Root;

    /// <summary>kustomization.yaml is kustomize's own file, not an object for the API server.</summary>
    public const string Kustomization = "kubernetes/kustomization.yaml";

    /// <summary>Every YAML file under kubernetes/ and istio/ (relative paths), including files added later.</summary>
    public static IReadOnlyList<string> AllYamlFiles() =>
        new[] { "kubernetes", "istio" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(Root, folder), "*.y*ml", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The files whose documents are Kubernetes or Istio objects.</summary>
    public static IReadOnlyList<string> ObjectFiles() => AllYamlFiles().Where(file => file != Kustomization).ToList();

    /// <summary>
    /// docs/istio-walkthrough.md, in order. Kubernetes step 3 comes before Istio step 3 (the article has it
    /// the other way round): the step-2 routes already pin every call by version label, so the 2.0 pods can
    /// start unreached, and the cookie route then points at a subset that already has pods. Istio step 3 is
    /// two applies: the routes app 2.0 needs, then (once its sidecars have them) the cookie route to it.
    /// </summary>
    public static IReadOnlyList<RolloutStep> Steps { get; } =
    [
        new("kubernetes/step-1-create-voting-app.yaml"),
        new("istio/step-1-create-voting-app-gateway.yaml"),
        new("kubernetes/step-2-update-voting-analytics-to-1.1.yaml"),
        new("istio/step-2-update-and-add-routing-for-all-components.yaml"),
        new("kubernetes/step-3-update-voting-app-with-new-storage.yaml"),
        new("istio/step-3-add-routing-for-2.0-components.yaml"),
        new("istio/step-3b-route-the-featureflag-cookie-to-2.0.yaml"),
        new("istio/step-4-route-all-traffic-to-2.0.yaml"),
        new("istio/step-5-remove-old-versions.yaml"),
        new("kubernetes/step-4-remove-old-versions.yaml", Delete: true),
    ];

    public static RolloutStep Step(string file) => Steps.Single(step => step.File == file);
}

/// <summary>One `kubectl apply -f File` (or `kubectl delete -f File`) of the walkthrough.</summary>
public sealed record RolloutStep(string File, bool Delete = false)
{
    public override string ToString() => (Delete ? "delete " : "apply ") + File;
}
