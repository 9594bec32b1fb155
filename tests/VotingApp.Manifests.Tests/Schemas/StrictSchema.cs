using System.Text.Json.Nodes;

namespace VotingApp.Manifests.Tests.Schemas;

/// <summary>
/// Makes a CRD's openAPIV3Schema reject unknown fields, as the API server does (it prunes or, with
/// kubectl --validate=strict, rejects them), so that a typo such as `subsett:` fails a plain JSON-Schema
/// validator. Walks schema positions only (properties, items, additionalProperties, the combinators),
/// so a field that happens to be called "properties" is not mistaken for a schema keyword.
/// </summary>
public static class StrictSchema
{
    public static void Close(JsonObject schema)
    {
        var preserve = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (_, property) in properties)
            {
                if (property is JsonObject child) Close(child);
            }

            if (!preserve && !schema.ContainsKey("additionalProperties"))
            {
                schema["additionalProperties"] = false;
            }
        }

        if (schema["items"] is JsonObject items) Close(items);
        if (schema["additionalProperties"] is JsonObject additional) Close(additional);
        if (schema["not"] is JsonObject not) Close(not);
        foreach (var combinator in new[] { "allOf", "anyOf", "oneOf" })
        {
            if (schema[combinator] is JsonArray options)
            {
                foreach (var option in options.OfType<JsonObject>()) Close(option);
            }
        }
    }
}
