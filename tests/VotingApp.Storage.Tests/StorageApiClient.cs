using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VotingApp.Contracts;

namespace VotingApp.Storage.Tests;

/// <summary>GET /api/votes as clients read it: {"store":…,"options":[{"name":…,"count":…},…]}.</summary>
public sealed record CountsJson(string Store, IReadOnlyList<OptionCountJson> Options);

public sealed record OptionCountJson(string Name, long Count);

/// <summary>A vote's answer as clients read it: {"option":…,"count":…,"store":…,"repeated":…}.</summary>
public sealed record VoteRecordedJson(string Option, long Count, string Store, bool Repeated = false);

/// <summary>One vote's outcome in a batch as clients read it.</summary>
public sealed record BatchedVoteJson(int Status, long Count, bool Repeated, string? Title, string? Detail);

/// <summary>
/// Calls storage's HTTP API as analytics and the app do, writing and reading the JSON by hand with the
/// property names clients rely on (exact case), not through the implementation's own DTOs and their
/// case-insensitive web defaults: a renamed property breaks these tests as it would break the clients.
/// </summary>
public static class StorageApiClient
{
    public static async Task<CountsJson> CountsAsync(this HttpClient storage)
    {
        using var response = await storage.GetAsync("/api/votes");
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        return new CountsJson(
            root.GetProperty("store").GetString()!,
            root.GetProperty("options").EnumerateArray()
                .Select(option => new OptionCountJson(option.GetProperty("name").GetString()!, option.GetProperty("count").GetInt64()))
                .ToList());
    }

    public static async Task<(long Cats, long Dogs)> CatsAndDogsAsync(this HttpClient storage)
    {
        var counts = await storage.CountsAsync();
        return (counts.Options.Single(o => o.Name == "Cats").Count, counts.Options.Single(o => o.Name == "Dogs").Count);
    }

    public static Task<HttpResponseMessage> VoteAsync(this HttpClient storage, string? option) =>
        storage.PostAsync("/api/votes", VoteBody(option));

    /// <summary>A vote with an Idempotency-Key, as the app sends a vote from the page.</summary>
    public static Task<HttpResponseMessage> VoteAsync(this HttpClient storage, string option, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/votes") { Content = VoteBody(option) };
        request.Headers.TryAddWithoutValidation(VoteToken.Header, token);
        return storage.SendAsync(request);
    }

    /// <summary>Votes sent together as the app sends the ones that waited: [{"option":…,"token":…},…] to POST /api/votes/batch.</summary>
    public static Task<HttpResponseMessage> VoteTogetherAsync(this HttpClient storage, params (string? Option, string? Token)[] votes) =>
        storage.PostAsync("/api/votes/batch", new StringContent(
            new JsonArray([.. votes.Select(vote => (JsonNode)new JsonObject { ["option"] = vote.Option, ["token"] = vote.Token })]).ToJsonString(),
            Encoding.UTF8, "application/json"));

    /// <summary>Each vote's outcome of a batch, in order: {"status":…,"count":…,"repeated":…,"title":…,"detail":…}.</summary>
    public static async Task<IReadOnlyList<BatchedVoteJson>> OutcomesAsync(this HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        return [.. json.RootElement.EnumerateArray().Select(vote => new BatchedVoteJson(
            vote.GetProperty("status").GetInt32(),
            vote.GetProperty("count").GetInt64(),
            vote.GetProperty("repeated").GetBoolean(),
            vote.TryGetProperty("title", out var title) ? title.GetString() : null,
            vote.TryGetProperty("detail", out var detail) ? detail.GetString() : null))];
    }

    public static async Task<VoteRecordedJson> RecordedAsync(this HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        var root = json.RootElement;
        return new VoteRecordedJson(
            root.GetProperty("option").GetString()!,
            root.GetProperty("count").GetInt64(),
            root.GetProperty("store").GetString()!,
            root.TryGetProperty("repeated", out var repeated) && repeated.GetBoolean());
    }

    public static async Task ResetAsync(this HttpClient storage)
    {
        using var response = await storage.DeleteAsync("/api/votes");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>{"option":"Cats"} as the app sends it.</summary>
    private static StringContent VoteBody(string? option) =>
        new(new JsonObject { ["option"] = option }.ToJsonString(), Encoding.UTF8, "application/json");
}
