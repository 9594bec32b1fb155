using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace VotingApp.Manifests.Tests.Yaml;

/// <summary>
/// Turns YAML into JSON the way kubectl reads it, so that a schema sees what the API server would see:
/// a plain (unquoted) scalar is resolved to a number, boolean or null, a quoted one stays a string.
/// This is what makes an unquoted `version: 1.0` fail the schema (a label must be a string).
/// kubectl's YAML library follows YAML 1.1 for booleans, so yes/no/on/off are booleans here too.
/// </summary>
public static partial class YamlToJson
{
    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ConvertMapping(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start} is not supported"),
    };

    private static JsonObject ConvertMapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
            {
                throw new NotSupportedException($"Only scalar keys are supported (at {key.Start})");
            }

            if (result.ContainsKey(name))
            {
                throw new InvalidDataException($"Duplicate key '{name}' at {key.Start}");
            }

            result[name] = Convert(value);
        }

        return result;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" || (tag is null && scalar.Style != ScalarStyle.Plain))
        {
            return JsonValue.Create(text);
        }

        if (tag is not null and not "?")
        {
            throw new NotSupportedException($"YAML tag {tag} at {scalar.Start} is not supported");
        }

        if (text is "" or "~" or "null" or "Null" or "NULL") return null;
        if (Booleans.TryGetValue(text, out var boolean)) return JsonValue.Create(boolean);
        // Parsed from JSON text, so that GetValue<int>, <long> and <double> all work on the result.
        if (IntegerPattern().IsMatch(text)) return JsonNode.Parse(long.Parse(text, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
        if (FloatPattern().IsMatch(text)) return JsonNode.Parse(double.Parse(text, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
        return JsonValue.Create(text);
    }

    private static readonly Dictionary<string, bool> Booleans = new(StringComparer.Ordinal)
    {
        ["true"] = true, ["True"] = true, ["TRUE"] = true, ["yes"] = true, ["Yes"] = true, ["YES"] = true,
        ["on"] = true, ["On"] = true, ["ON"] = true, ["y"] = true, ["Y"] = true,
        ["false"] = false, ["False"] = false, ["FALSE"] = false, ["no"] = false, ["No"] = false, ["NO"] = false,
        ["off"] = false, ["Off"] = false, ["OFF"] = false, ["n"] = false, ["N"] = false,
    };

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
