using System.Net;

namespace FloorChain;

/// <summary>app: GET / asks analytics for the results and renders the page; POST / sends the vote to storage.</summary>
public static class FloorPage
{
    private static readonly HttpClient Client = new();

    public static void MapFloorPage(this WebApplication app, string analytics, string storage)
    {
        var results = new Uri(new Uri(analytics), "/analytics");
        var votes = new Uri(new Uri(storage), "/api/votes");
        app.MapGet("/", async () =>
        {
            var counts = (await Client.GetFromJsonAsync(results, FloorJson.Default.FloorResults))!;
            return Results.Content(Page(counts.Text), "text/html; charset=utf-8");
        });
        app.MapPost("/", async (HttpContext context) =>
        {
            var option = (await context.Request.ReadFormAsync())["vote"].ToString();
            if (option is not ("Cats" or "Dogs")) return Results.BadRequest();
            using var response = await Client.PostAsJsonAsync(votes, new FloorVote(option), FloorJson.Default.FloorVote);
            response.EnsureSuccessStatusCode();
            context.Response.Headers.Location = "/";
            return Results.StatusCode(StatusCodes.Status303SeeOther);
        });
    }

    private static string Page(string results) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Cats vs Dogs</title></head>
        <body>
        <h1>Cats vs Dogs</h1>
        <form method="post" action="/">
        <button name="vote" value="Cats">Cats</button>
        <button name="vote" value="Dogs">Dogs</button>
        </form>
        <div id="results">{WebUtility.HtmlEncode(results)}</div>
        </body>
        </html>
        """;
}
