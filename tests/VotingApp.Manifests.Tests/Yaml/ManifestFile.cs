using System.Text.Json.Nodes;
using YamlDotNet.RepresentationModel;

namespace VotingApp.Manifests.Tests.Yaml;

/// <summary>Reads every document of a multi-document YAML file (comment-only documents are skipped).</summary>
public static class ManifestFile
{
    public static IReadOnlyList<ManifestDocument> Read(string relativePath)
    {
        using var reader = new StreamReader(RepositoryPaths.Combine(relativePath));
        return Parse(reader, relativePath);
    }

    /// <summary>The documents of YAML text (e.g. what `kubectl kustomize` printed), named after its source.</summary>
    public static IReadOnlyList<ManifestDocument> Parse(string yaml, string source) => Parse(new StringReader(yaml), source);

    private static IReadOnlyList<ManifestDocument> Parse(TextReader reader, string relativePath)
    {
        var stream = new YamlStream();
        stream.Load(reader);
        var documents = new List<ManifestDocument>();
        foreach (var document in stream.Documents)
        {
            if (YamlToJson.Convert(document.RootNode) is not JsonObject json)
            {
                if (document.RootNode is YamlScalarNode { Value: null or "" }) continue;
                throw new InvalidDataException($"{relativePath}: document {documents.Count} is not a mapping");
            }

            documents.Add(new ManifestDocument(relativePath, documents.Count, json));
        }

        return documents;
    }
}
