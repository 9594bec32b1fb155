namespace VotingApp.Manifests.Tests;

/// <summary>The manifest files of this repository and the order in which the walkthrough uses them.</summary>
public static class ManifestFiles
{
    /// <summary>Every YAML file under kubernetes/, istio/ and platforms/ (relative paths), including files added later.</summary>
    public static IReadOnlyList<string> AllYamlFiles() =>
        new[] { "kubernetes", "istio", "platforms" }
            .SelectMany(folder => Directory.EnumerateFiles(RepositoryPaths.Combine(folder), "*.y*ml", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The files whose documents are Kubernetes or Istio objects (kustomization.yaml is kustomize's own).</summary>
    public static IReadOnlyList<string> ObjectFiles() => AllYamlFiles().Where(file => Path.GetFileName(file) != "kustomization.yaml").ToList();

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

    /// <summary>
    /// What the operator creates before the steps, outside them: the MySQL Secret (the walkthrough's
    /// `kubectl create secret`, or this sample file in a sandbox). The step files never carry it.
    /// </summary>
    public static IReadOnlyList<string> OperatorObjects { get; } =
        ["kubernetes/sample-secrets/voting-mysql.yaml", "kubernetes/sample-secrets/voting-redis.yaml"];

    /// <summary>
    /// Optional Istio steps beside the walkthrough's (docs/flagger-walkthrough.md#mesh-faults-and-mirroring), each
    /// a replacement of VirtualService voting-analytics: mirror analytics reads to 2.0 (after istio step 3) and
    /// faults for the cookie users' reads (after step 3b). Applying step 3 again undoes either.
    /// </summary>
    public static IReadOnlyList<RolloutStep> OptionalSteps { get; } =
    [
        new("istio/step-3m-mirror-analytics-reads-to-2.0.yaml"),
        new("istio/step-3f-inject-analytics-faults-for-cookie-users.yaml"),
    ];

    /// <summary>The optional HTTPS Gateway, a drop-in for istio step 1's (docs/istio-walkthrough.md, "HTTPS at the gateway").</summary>
    public static RolloutStep HttpsGateway { get; } = new("istio/https/voting-app-gateway.yaml");

    public static RolloutStep Step(string file) => Steps.Single(step => step.File == file);
}

/// <summary>One `kubectl apply -f File` (or `kubectl delete -f File`) of the walkthrough.</summary>
public sealed record RolloutStep(string File, bool Delete = false)
{
    /// <summary>The load generator: not a step, applied beside any of them.</summary>
    public static RolloutStep LoadGenerator { get; } = new("kubernetes/loadgenerator.yaml");

    /// <summary>"step-3b" for istio/step-3b-route-...yaml; "loadgenerator" for the load generator; "https" for istio/https/….</summary>
    public string Id => File.Split('/') is [_, var folder, _] ? folder
        : System.Text.RegularExpressions.Regex.Match(Path.GetFileNameWithoutExtension(File), @"^(step-\d+[a-z]?|[a-z]+)").Value;

    public override string ToString() => (Delete ? "delete " : "apply ") + File;
}
