using System.Text.Json.Nodes;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// The routing evaluator reads a field only through here, naming every field it understands: any other
/// field fails the test, because a routing feature it ignored would make its table wrong.
/// </summary>
public static class StrictFields
{
    public static JsonObject Only(JsonNode? node, string where, params string[] understood)
    {
        var json = node as JsonObject ?? throw new NotSupportedException($"{where}: expected an object");
        var unknown = json.Select(p => p.Key).Where(key => !understood.Contains(key)).ToList();
        return unknown.Count == 0
            ? json
            : throw new NotSupportedException($"{where}: the routing evaluator does not understand {string.Join(", ", unknown)}");
    }

    public static IEnumerable<JsonObject> List(JsonNode? node) => node?.AsArray().Select(item => item!.AsObject()) ?? [];

    public static string Text(JsonNode? node, string where) =>
        node?.GetValue<string>() ?? throw new NotSupportedException($"{where}: missing");
}
