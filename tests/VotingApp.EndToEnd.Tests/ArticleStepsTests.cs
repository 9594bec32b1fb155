using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// The three services as separate processes on real Kestrel ports, in each version combination of the
/// article, over real Redis and MariaDB: the curl loop's results line after 2 Cats and 4 Dogs.
/// </summary>
[Collection(DatabaseCollection.Name)]
public class ArticleStepsTests(DatabaseServers servers)
{
    [Theory]
    [InlineData("1.0", "1.0", "1.0", "<div id=\"results\"> Cats: 2 | Dogs: 4 </div>", "redis")]
    [InlineData("1.0", "1.1", "1.0", "<div id=\"results\"> Cats: 2/6 (33%) | Dogs: 4/6 (67%) </div>", "redis")]
    [InlineData("2.0", "2.0", "2.0", "<div id=\"results\"> Cats: 2/6 (33%) | Dogs: 4/6 (67%) </div>", "mysql")]
    public async Task Results_line_after_2_Cats_and_4_Dogs(string app, string analytics, string storage, string expected, string store)
    {
        await using var chain = await VotingChain.StartAsync(app, analytics, storage, servers.StoreEnvironment(storage),
            new Dictionary<string, string?> { ["SHOWDETAILS"] = "true" });
        using var client = chain.App.CreateClient();
        Assert.Equal(303, await VotingPageReader.ResetAsync(client));
        foreach (var vote in new[] { "Cats", "Dogs", "Dogs", "Cats", "Dogs", "Dogs" })
        {
            Assert.Equal(303, await VotingPageReader.VoteAsync(client, vote));
        }

        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(expected, VotingPageReader.ResultsLine(html));
        Assert.Contains($"App version: {app} &middot; Store: {store}</p>", html);
        Assert.Equal($"app/{app} analytics/{analytics} storage/{storage}", response.Headers.GetValues("x-voting-chain").Single());
    }

    [Theory]
    [InlineData("1.0", "<div id=\"results\"> Cats: 0 | Dogs: 0 </div>")]
    [InlineData("1.1", "<div id=\"results\"> Cats: 0/0 (0%) | Dogs: 0/0 (0%) </div>")]
    public async Task Results_line_before_anyone_voted(string analytics, string expected)
    {
        await using var chain = await VotingChain.StartAsync("1.0", analytics, "1.0", servers.StoreEnvironment("1.0"));
        using var client = chain.App.CreateClient();
        Assert.Equal(303, await VotingPageReader.ResetAsync(client));
        Assert.Equal(expected, VotingPageReader.ResultsLine(await client.GetStringAsync("/")));
    }

    [Fact]
    public async Task Unknown_vote_through_the_app_changes_nothing()
    {
        await using var chain = await VotingChain.StartAsync("2.0", "2.0", "2.0", servers.StoreEnvironment("2.0"));
        using var client = chain.App.CreateClient();
        Assert.Equal(303, await VotingPageReader.ResetAsync(client));
        Assert.Equal(303, await VotingPageReader.VoteAsync(client, "Dogs"));
        foreach (var bad in new[] { "Birds", "", "dogs", new string('D', 300) })
        {
            Assert.Equal(400, await VotingPageReader.VoteAsync(client, bad));
        }

        Assert.Equal("<div id=\"results\"> Cats: 0/1 (0%) | Dogs: 1/1 (100%) </div>", VotingPageReader.ResultsLine(await client.GetStringAsync("/")));
    }

    [Fact]
    public async Task Percentages_round_half_away_from_zero()
    {
        await using var chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", servers.StoreEnvironment("1.0"));
        using var client = chain.App.CreateClient();
        Assert.Equal(303, await VotingPageReader.ResetAsync(client));
        // 1 of 8 is 12.5%: rounds up to 13%, and 7 of 8 (87.5%) to 88%.
        Assert.Equal(303, await VotingPageReader.VoteAsync(client, "Cats"));
        for (var i = 0; i < 7; i++) Assert.Equal(303, await VotingPageReader.VoteAsync(client, "Dogs"));
        Assert.Equal("<div id=\"results\"> Cats: 1/8 (13%) | Dogs: 7/8 (88%) </div>", VotingPageReader.ResultsLine(await client.GetStringAsync("/")));
    }
}
