using StackExchange.Redis;

namespace FloorChain;

/// <summary>storage: the counts in one Redis hash, HMGET for a read and HINCRBY for a vote.</summary>
public static class FloorStorage
{
    // Not the voting chain's key: both may use the same Redis in one benchmark run.
    private static readonly RedisKey CountsKey = "floor:counts";
    private static readonly RedisValue[] Options = ["Cats", "Dogs"];

    public static void MapFloorStorage(this WebApplication app, string redis)
    {
        var database = ConnectionMultiplexer.Connect(redis).GetDatabase();
        app.MapGet("/api/votes", async () =>
        {
            var counts = await database.HashGetAsync(CountsKey, Options);
            return new FloorCounts((long?)counts[0] ?? 0, (long?)counts[1] ?? 0);
        });
        app.MapPost("/api/votes", async (FloorVote vote) => vote.Option is "Cats" or "Dogs"
            ? Results.Ok(vote with { Count = await database.HashIncrementAsync(CountsKey, vote.Option) })
            : Results.BadRequest());
    }
}
