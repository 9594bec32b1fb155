using System.Text.Json;
using System.Text.Json.Serialization;

namespace FloorChain;

/// <summary>What storage answers to a read: both counts.</summary>
public sealed record FloorCounts(long Cats, long Dogs);

/// <summary>What analytics answers: both counts and the results line.</summary>
public sealed record FloorResults(long Cats, long Dogs, string Text);

/// <summary>A vote as app sends it to storage, and storage's answer (the option's new count).</summary>
public sealed record FloorVote(string Option, long Count = 0);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(FloorCounts))]
[JsonSerializable(typeof(FloorResults))]
[JsonSerializable(typeof(FloorVote))]
public sealed partial class FloorJson : JsonSerializerContext;
