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
    /// <summary>What the walkthrough applies: the starting point, the release, the release that fails.</summary>
    public static IReadOnlyList<string> Applied { get; } = ["flagger/stable", "flagger/release-2.0", "flagger/release-2.0-faulty"];

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
        var state = new ClusterState();
        foreach (var file in ManifestFiles.OperatorObjects)
        {
            foreach (var document in ManifestFile.Read(file)) state.Apply(new RolloutStep(file), document);
        }

        foreach (var document in Render(folder)) state.Apply(new RolloutStep(folder), document);
        return state;
    }
}
