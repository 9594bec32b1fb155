using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Platforms;

/// <summary>The images platforms/images points at the registry (myregistry.example.com/voting/...).</summary>
public static class RegistryImages
{
    /// <summary>The documents run an image ending in <paramref name="expected"/>, and every voting image comes from the registry.</summary>
    public static void Assert(IEnumerable<ManifestDocument> documents, string expected)
    {
        var images = documents
            .Where(d => d.Kind == "Deployment")
            .SelectMany(d => ClusterState.Items(d.Json["spec"]?["template"]?["spec"]?["containers"]))
            .Select(c => c["image"]!.GetValue<string>())
            .ToList();
        Xunit.Assert.Contains(images, i => i.EndsWith(expected, StringComparison.Ordinal));
        Xunit.Assert.All(images.Where(i => i.Contains("voting-", StringComparison.Ordinal)),
            image => Xunit.Assert.StartsWith("myregistry.example.com/voting/", image, StringComparison.Ordinal));
    }
}
