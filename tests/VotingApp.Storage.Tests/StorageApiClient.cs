using System.Net.Http.Json;
using VotingApp.ServiceDefaults;

namespace VotingApp.Storage.Tests;

/// <summary>Calls storage's HTTP API as analytics and the app do.</summary>
public static class StorageApiClient
{
    public static async Task<StoredCounts> CountsAsync(this HttpClient storage)
    {
        using var response = await storage.GetAsync("/api/votes");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(VotingJsonContext.Default.StoredCounts))!;
    }

    public static async Task<(long Cats, long Dogs)> CatsAndDogsAsync(this HttpClient storage)
    {
        var counts = await storage.CountsAsync();
        return (counts.Options.Single(o => o.Name == "Cats").Count, counts.Options.Single(o => o.Name == "Dogs").Count);
    }

    public static Task<HttpResponseMessage> VoteAsync(this HttpClient storage, string? option) =>
        storage.PostAsJsonAsync("/api/votes", new VoteRequest(option), VotingJsonContext.Default.VoteRequest);

    /// <summary>A vote with an Idempotency-Key, as the app sends a vote from the page.</summary>
    public static Task<HttpResponseMessage> VoteAsync(this HttpClient storage, string option, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/votes")
        {
            Content = JsonContent.Create(new VoteRequest(option), VotingJsonContext.Default.VoteRequest),
        };
        request.Headers.TryAddWithoutValidation(VoteToken.Header, token);
        return storage.SendAsync(request);
    }

    public static async Task<VoteRecorded> RecordedAsync(this HttpResponseMessage response) =>
        (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync(VotingJsonContext.Default.VoteRecorded))!;

    public static async Task ResetAsync(this HttpClient storage)
    {
        using var response = await storage.DeleteAsync("/api/votes");
        response.EnsureSuccessStatusCode();
    }
}
