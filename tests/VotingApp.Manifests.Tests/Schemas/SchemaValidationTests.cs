using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Schemas;

/// <summary>Every document of every manifest file against the official schemas (Kubernetes 1.34, Istio 1.30).</summary>
public sealed class SchemaValidationTests
{
    public static TheoryData<string> Files() => new(ManifestFiles.ObjectFiles());

    [SchemaTheory]
    [MemberData(nameof(Files))]
    public void Every_document_matches_its_schema(string file)
    {
        var documents = ManifestFile.Read(file);
        Assert.NotEmpty(documents);
        var problems = documents
            .SelectMany(document => SchemaSet.Validate(document.Json).Select(problem => $"{document}: {problem}"))
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Istio objects only on the current APIs: no v1alpha3/v1beta1, no removed authentication.istio.io.</summary>
    [Fact]
    public void Only_current_istio_api_versions_are_used()
    {
        string[] current = ["networking.istio.io/v1", "security.istio.io/v1"];
        var documents = ManifestFiles.ObjectFiles().SelectMany(ManifestFile.Read).ToList();
        Assert.Contains(documents, d => d.ApiVersion == "security.istio.io/v1");
        var others = documents
            .Where(document => document.ApiVersion.Contains("istio.io", StringComparison.Ordinal) && !current.Contains(document.ApiVersion))
            .Select(document => $"{document}: {document.ApiVersion}")
            .ToList();
        Assert.True(others.Count == 0, "not a current Istio API: " + string.Join(", ", others));
    }

    // The negative tests: each takes a valid document, breaks one thing, and the schema must object.

    [SchemaFact]
    public void A_misspelt_istio_field_fails()
    {
        var route = Document("istio/step-3b-route-the-featureflag-cookie-to-2.0.yaml", "VirtualService/voting-app");
        var destination = route["spec"]!["http"]![0]!["route"]![0]!["destination"]!.AsObject();
        destination["subsett"] = destination["subset"]!.DeepClone();
        destination.Remove("subset");
        AssertFails(route, "subsett");
    }

    [SchemaFact]
    public void A_misspelt_istio_metadata_field_fails()
    {
        var rule = Document("istio/step-2-update-and-add-routing-for-all-components.yaml", "DestinationRule/voting-app");
        rule["metadata"]!["lables"] = new JsonObject { ["app"] = "voting-app" };
        AssertFails(rule, "lables");
    }

    [SchemaFact]
    public void A_misspelt_kubernetes_field_fails()
    {
        var deployment = Document("kubernetes/step-1-create-voting-app.yaml", "Deployment/voting-app-1-0");
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
        container["readinessprobe"] = container["readinessProbe"]!.DeepClone();
        AssertFails(deployment, "readinessprobe");
    }

    [SchemaFact]
    public void An_unquoted_version_label_fails()
    {
        var yaml = File.ReadAllText(RepositoryPaths.Combine("kubernetes/step-1-create-voting-app.yaml"))
            .Replace("version: \"1.0\"", "version: 1.0", StringComparison.Ordinal);
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(yaml));
        var deployment = stream.Documents.Select(d => YamlToJson.Convert(d.RootNode)).OfType<JsonObject>()
            .Single(d => d["kind"]!.GetValue<string>() == "Deployment" && d["metadata"]!["name"]!.GetValue<string>() == "voting-app-1-0");
        AssertFails(deployment, "labels");
    }

    [SchemaFact]
    public void The_removed_authentication_policy_is_not_accepted()
    {
        var policy = new JsonObject
        {
            ["apiVersion"] = "authentication.istio.io/v1alpha1",
            ["kind"] = "Policy",
            ["metadata"] = new JsonObject { ["name"] = "default" },
            ["spec"] = new JsonObject { ["peers"] = new JsonArray(new JsonObject { ["mtls"] = new JsonObject() }) },
        };
        AssertFails(policy, "no schema");
    }

    [SchemaFact]
    public void A_wrong_enum_value_fails()
    {
        var authentication = Document("istio/step-2-update-and-add-routing-for-all-components.yaml", "PeerAuthentication/default");
        authentication["spec"]!["mtls"]!["mode"] = "STRICTLY";
        AssertFails(authentication, "mode");
    }

    private static JsonObject Document(string file, string key) =>
        ManifestFile.Read(file).Single(document => document.Key == key).Json.DeepClone().AsObject();

    private static void AssertFails(JsonObject document, string expected)
    {
        var problems = SchemaSet.Validate(document);
        Assert.NotEmpty(problems);
        Assert.Contains(problems, problem => problem.Contains(expected, StringComparison.OrdinalIgnoreCase));
    }
}
