using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using VotingApp.Manifests.Tests.Yaml;
using YamlDotNet.RepresentationModel;

namespace VotingApp.Manifests.Tests.Schemas;

/// <summary>
/// The schema for each apiVersion and kind: Kubernetes 1.34 standalone-strict JSON schemas, and the
/// Istio 1.30, Flagger 1.44 and Gateway API v1.5.1 CRDs closed by <see cref="StrictSchema"/>. Their objects get Kubernetes' own strict
/// ObjectMeta for `metadata` (the CRDs leave it open), so a typo in metadata fails too.
/// Not checked: CEL rules (x-kubernetes-validations) and formats, which only the API server evaluates.
/// </summary>
public static class SchemaSet
{
    private static readonly ConcurrentDictionary<string, JsonSchema?> Cache = new();
    private static readonly Lazy<Dictionary<string, JsonObject>> CrdSchemas = new(LoadCrds);

    /// <summary>Every problem the schema finds in the document; empty when it is valid.</summary>
    public static IReadOnlyList<string> Validate(JsonObject document)
    {
        var apiVersion = document["apiVersion"]?.GetValue<string>() ?? "";
        var kind = document["kind"]?.GetValue<string>() ?? "";
        var schema = Cache.GetOrAdd($"{apiVersion}|{kind}", _ => Load(apiVersion, kind));
        if (schema is null) return [$"no schema for apiVersion '{apiVersion}', kind '{kind}'"];

        using var json = JsonDocument.Parse(document.ToJsonString());
        var result = schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        var problems = (result.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Value}"))
            .Distinct()
            .ToList();
        return problems.Count > 0 ? problems : ["invalid (no details)"];
    }

    private static JsonSchema? Load(string apiVersion, string kind)
    {
        JsonObject? schema;
        if (apiVersion.Contains(".istio.io/", StringComparison.Ordinal) || apiVersion.StartsWith("gateway.networking.k8s.io/", StringComparison.Ordinal)
            || apiVersion.StartsWith("flagger.app/", StringComparison.Ordinal))
        {
            schema = CrdSchemas.Value.GetValueOrDefault($"{apiVersion}|{kind}")?.DeepClone().AsObject();
            if (schema is not null)
            {
                schema["properties"]!["metadata"] = KubernetesObjectMeta();
            }
        }
        else
        {
            schema = KubernetesSchema(apiVersion, kind);
        }

        return schema is null
            ? null
            : JsonSchema.FromText(schema.ToJsonString(), new BuildOptions { Dialect = Dialect.Draft07, SchemaRegistry = new SchemaRegistry() },
                new Uri($"urn:voting-schemas:{apiVersion.Replace('/', ':')}:{kind}"));
    }

    /// <summary>yannh/kubernetes-json-schema file names: deployment-apps-v1.json, service-v1.json.</summary>
    private static JsonObject? KubernetesSchema(string apiVersion, string kind)
    {
        var parts = apiVersion.Split('/');
        var name = parts.Length == 2
            ? $"{kind.ToLowerInvariant()}-{parts[0].Split('.')[0]}-{parts[1]}.json"
            : $"{kind.ToLowerInvariant()}-{parts[0]}.json";
        var path = Path.Combine(SchemaFolder.KubernetesFolder, name);
        if (!File.Exists(path)) return null;
        var schema = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        // They name the unversioned "http://json-schema.org/schema#"; they are written for draft 7.
        schema.Remove("$schema");
        return schema;
    }

    private static JsonNode KubernetesObjectMeta() =>
        KubernetesSchema("v1", "ConfigMap")!["properties"]!["metadata"]!.DeepClone();

    private static Dictionary<string, JsonObject> LoadCrds()
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var file in SchemaFolder.CrdFiles) LoadCrds(file, result);
        return result;
    }

    private static void LoadCrds(string file, Dictionary<string, JsonObject> result)
    {
        using var reader = new StreamReader(file);
        var stream = new YamlStream();
        stream.Load(reader);
        foreach (var document in stream.Documents)
        {
            if (YamlToJson.Convert(document.RootNode) is not JsonObject crd || crd["kind"]?.GetValue<string>() != "CustomResourceDefinition")
            {
                continue;
            }

            var group = crd["spec"]!["group"]!.GetValue<string>();
            var kind = crd["spec"]!["names"]!["kind"]!.GetValue<string>();
            foreach (var version in crd["spec"]!["versions"]!.AsArray())
            {
                var schema = version!["schema"]?["openAPIV3Schema"]?.DeepClone().AsObject();
                if (schema is null) continue;
                var name = version["name"]!.GetValue<string>();
                StrictSchema.Close(schema);
                // Pin the identity, as the Kubernetes schemas do, so a document is judged by its own version.
                schema["properties"]!["apiVersion"] = new JsonObject { ["enum"] = new JsonArray($"{group}/{name}") };
                schema["properties"]!["kind"] = new JsonObject { ["enum"] = new JsonArray(kind) };
                schema["required"] = new JsonArray("apiVersion", "kind", "metadata");
                result[$"{group}/{name}|{kind}"] = schema;
            }
        }
    }
}
