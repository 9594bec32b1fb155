using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Platforms;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Flagger;

/// <summary>
/// The Flagger track's files (flagger/, docs/flagger-walkthrough.md): the YAML files as they are and each
/// kustomization the walkthrough applies, rendered by `kubectl kustomize` as the walkthrough runs it.
/// </summary>
public static class FlaggerTrack
{
    /// <summary>What the walkthrough applies, on each platform: the starting point, the release, the release that fails.</summary>
    public static IReadOnlyList<string> Releases { get; } = ["stable", "release-2.0", "release-2.0-faulty"];

    /// <summary>platforms/&lt;platform&gt;/flagger/&lt;release&gt;: flagger/base or a version with the platform's gateway component and the image list.</summary>
    public static string Folder(Platform platform, string release) => $"platforms/{platform.Name}/flagger/{release}";

    /// <summary>Every folder the walkthrough applies, for every platform.</summary>
    public static IReadOnlyList<string> Applied { get; } = Platform.Variants.SelectMany(p => Releases.Select(r => Folder(p, r))).ToList();

    /// <summary>The starting point and the release as upstream istioctl's platform renders them.</summary>
    public static string Stable { get; } = Folder(Platform.Istioctl, "stable");
    public static string Release { get; } = Folder(Platform.Istioctl, "release-2.0");

    public static TheoryData<string> AppliedFolders() => new(Applied);

    /// <summary>Every YAML file under flagger/ (kustomization.yaml files included), relative to the repository.</summary>
    public static IReadOnlyList<string> YamlFiles() =>
        Directory.EnumerateFiles(RepositoryPaths.Combine("flagger"), "*.yaml", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The files whose documents are objects (not kustomize's own).</summary>
    public static IReadOnlyList<string> ObjectFiles() => YamlFiles().Where(f => Path.GetFileName(f) != "kustomization.yaml").ToList();

    public static IReadOnlyList<ManifestDocument> Render(string folder) => Kustomize.Render(folder);

    /// <summary>The objects in namespace voting after applying a folder (and the operator's Secret, created first).</summary>
    public static ClusterState State(string folder)
    {
        var state = new ClusterState(Platform.Variants.Single(p => folder.StartsWith($"platforms/{p.Name}/", StringComparison.Ordinal)));
        foreach (var file in ManifestFiles.OperatorObjects)
        {
            foreach (var document in ManifestFile.Read(file)) state.Apply(new RolloutStep(file), document);
        }

        foreach (var document in Render(folder)) state.Apply(new RolloutStep(folder), document);
        return state;
    }
}
