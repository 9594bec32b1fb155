namespace FloorChain;

/// <summary>analytics: GET /analytics reads the counts from storage and adds the results line.</summary>
public static class FloorAnalytics
{
    private static readonly HttpClient Client = new();

    public static void MapFloorAnalytics(this WebApplication app, string storage)
    {
        var votes = new Uri(new Uri(storage), "/api/votes");
        app.MapGet("/analytics", async () =>
        {
            var counts = (await Client.GetFromJsonAsync(votes, FloorJson.Default.FloorCounts))!;
            return new FloorResults(counts.Cats, counts.Dogs, $"Cats: {counts.Cats}, Dogs: {counts.Dogs}");
        });
    }
}
