using System.Diagnostics;
using System.Net;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// When analytics or storage is gone the page still renders and says the results are unavailable, a vote
/// that cannot be stored gets 503, and nothing is counted that was not acknowledged.
/// </summary>
[Collection(DatabaseCollection.Name)]
public class DownstreamFailureTests(DatabaseServers servers)
{
    /// <summary>A bound on "never hangs" (the services give up after 2 s), not a speed test.</summary>
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(2) + LoadedMachine.Slack;

    [Fact]
    public async Task Analytics_down_page_degrades_but_votes_still_count()
    {
        await using var chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", servers.StoreEnvironment("1.0"));
        using var client = chain.App.CreateClient();
        Assert.Equal(303, await VotingPageReader.ResetAsync(client));
        chain.Analytics.Kill();

        var (status, html) = await TimedGetAsync(client);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("<div id=\"results\"> Results are unavailable right now </div>", VotingPageReader.ResultsLine(html));
        Assert.Contains("name=\"vote\" value=\"Cats\"", html);

        Assert.Equal(303, await VotingPageReader.VoteAsync(client, "Cats"));
        await chain.App.AssertLoggedAsync("voting-analytics is unavailable");

        await chain.Analytics.StartAsync();
        Assert.Equal("<div id=\"results\"> Cats: 1/1 (100%) | Dogs: 0/1 (0%) </div>", VotingPageReader.ResultsLine(await client.GetStringAsync("/")));
    }

    [Fact]
    public async Task Storage_down_page_degrades_and_votes_get_503()
    {
        await using var chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", servers.StoreEnvironment("1.0"));
        using var client = chain.App.CreateClient();
        Assert.Equal(303, await VotingPageReader.ResetAsync(client));
        Assert.Equal(303, await VotingPageReader.VoteAsync(client, "Dogs"));
        chain.Storage.Kill();

        var (status, html) = await TimedGetAsync(client);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("<div id=\"results\"> Results are unavailable right now </div>", VotingPageReader.ResultsLine(html));

        var stopwatch = Stopwatch.StartNew();
        using var vote = await client.PostAsync("/", new FormUrlEncodedContent([new("vote", "Cats")]));
        Assert.True(stopwatch.Elapsed < AnswerBound, $"the vote took {stopwatch.Elapsed.TotalSeconds:0.0} s to be answered");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, vote.StatusCode);
        Assert.Contains("Your vote was not counted", await vote.Content.ReadAsStringAsync());
        await chain.App.AssertLoggedAsync("Vote for Cats not counted");

        await chain.Storage.StartAsync();
        Assert.Equal("<div id=\"results\"> Cats: 0/1 (0%) | Dogs: 1/1 (100%) </div>", VotingPageReader.ResultsLine(await client.GetStringAsync("/")));
    }

    private static async Task<(HttpStatusCode Status, string Html)> TimedGetAsync(HttpClient client)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(stopwatch.Elapsed < AnswerBound, $"the page took {stopwatch.Elapsed.TotalSeconds:0.0} s");
        return (response.StatusCode, html);
    }
}
