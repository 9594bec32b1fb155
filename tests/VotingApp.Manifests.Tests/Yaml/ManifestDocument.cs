using System.Text.Json.Nodes;

namespace VotingApp.Manifests.Tests.Yaml;

/// <summary>One YAML document of a manifest file, as JSON, with where it came from.</summary>
public sealed record ManifestDocument(string File, int Index, JsonObject Json)
{
    public string ApiVersion => Json["apiVersion"]?.GetValue<string>() ?? "";
    public string Kind => Json["kind"]?.GetValue<string>() ?? "";
    public string Name => Json["metadata"]?["name"]?.GetValue<string>() ?? "";

    /// <summary>"Deployment/voting-app-1-0": how kubectl names an object within one namespace.</summary>
    public string Key => $"{Kind}/{Name}";

    public override string ToString() => $"{File} #{Index} {Key}";
}
