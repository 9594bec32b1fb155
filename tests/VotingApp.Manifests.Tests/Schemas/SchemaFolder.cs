namespace VotingApp.Manifests.Tests.Schemas;

/// <summary>
/// Where the official schemas are: VOTING_SCHEMAS if set, else ../shared/schemas beside the repository
/// (present on the project's own machines, absent in a user's clone; the schemas are not copied into
/// the repository).
/// </summary>
public static class SchemaFolder
{
    public const string Variable = "VOTING_SCHEMAS";

    public static string Path { get; } =
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } configured
            ? System.IO.Path.GetFullPath(configured)
            : System.IO.Path.GetFullPath(RepositoryPaths.Combine("..", "shared", "schemas"));

    public static string KubernetesFolder => System.IO.Path.Combine(Path, "kubernetes", "v1.34.0-standalone-strict");
    public static string IstioCrds => System.IO.Path.Combine(Path, "istio", "crd-all.gen.yaml");
    public static string FlaggerCrds => System.IO.Path.Combine(Path, "flagger", "crd.yaml");

    /// <summary>The Gateway API standard channel v1.5.1, the version Istio 1.30 is built against (its go.mod).</summary>
    public static string GatewayApiCrds => System.IO.Path.Combine(Path, "gateway-api", "v1.5.1", "standard");

    /// <summary>Every CRD file: Istio's, Flagger's, then the Gateway API's (the ValidatingAdmissionPolicy file holds no CRD).</summary>
    public static IEnumerable<string> CrdFiles =>
        Directory.Exists(GatewayApiCrds)
            ? Directory.EnumerateFiles(GatewayApiCrds, "*.yaml").Order(StringComparer.Ordinal).Prepend(FlaggerCrds).Prepend(IstioCrds)
            : [IstioCrds, FlaggerCrds];

    public static bool Exists => Directory.Exists(KubernetesFolder) && File.Exists(IstioCrds) && File.Exists(FlaggerCrds);

    public static string SkipReason =>
        $"No schemas at {Path}. To run the schema tests, set {Variable} to a folder holding " +
        "kubernetes/v1.34.0-standalone-strict/*.json (yannh/kubernetes-json-schema layout) and " +
        "istio/crd-all.gen.yaml (Istio 1.30 manifests/charts/base/files/crd-all.gen.yaml) and " +
        "flagger/crd.yaml (Flagger v1.44 artifacts/flagger/crd.yaml).";
}

/// <summary>A fact that is skipped, saying how to enable it, when the schemas are not there.</summary>
public sealed class SchemaFactAttribute : FactAttribute
{
    public SchemaFactAttribute()
    {
        if (!SchemaFolder.Exists) Skip = SchemaFolder.SkipReason;
    }
}

/// <summary>A theory that is skipped, saying how to enable it, when the schemas are not there.</summary>
public sealed class SchemaTheoryAttribute : TheoryAttribute
{
    public SchemaTheoryAttribute()
    {
        if (!SchemaFolder.Exists) Skip = SchemaFolder.SkipReason;
    }
}
