using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// Votes sent together (docs/http.md, "Votes sent together") in the chain as it ships, over real Redis: voters
/// who vote at once, each from the page's own form and token, are each counted once, their votes reached
/// storage in fewer requests than there were votes, and each vote's x-request-id is in storage's log.
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class VotesSentTogetherTests(DatabaseServers servers)
{
    private const int Voters = 16;
    private const int VotesEach = 8;

    [Fact]
    public async Task Voters_who_vote_at_once_are_each_counted_once_in_fewer_requests_to_storage_than_votes()
    {
        await using var chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", servers.StoreEnvironment("1.0"));
        using var client = chain.App.CreateClient(TimeSpan.FromSeconds(30));
        Assert.Equal(303, await VotingPageReader.ResetAsync(client));
        using var storage = chain.Storage.CreateClient();
        var aloneBefore = await ServedRequests.CountAsync(storage, "/api/votes", "POST");
        var togetherBefore = await ServedRequests.CountAsync(storage, "/api/votes/batch", "POST");

        // Redis holds writes for the first half second, as a busy store would, so that the first votes surely wait
        // for one in flight however the machine schedules the voters; after that, they overlap as they come.
        await servers.Redis.CommandAsync("CLIENT", "PAUSE", "500", "WRITE");

        // Each voter loads the page and sends its form with the page's own token, as a browser does.
        var answers = await Task.WhenAll(Enumerable.Range(0, Voters).Select(voter => Task.Run(async () =>
        {
            var statuses = new List<int>();
            for (var vote = 0; vote < VotesEach; vote++)
            {
                var token = VotingPageReader.VoteTokens(await client.GetStringAsync("/"))[0];
                // Each vote with an x-request-id of its own, as the mesh's gateway gives every request.
                using var request = new HttpRequestMessage(HttpMethod.Post, "/")
                {
                    Content = VotingPageReader.VoteForm((voter + vote) % 2 == 0 ? "Cats" : "Dogs", token),
                };
                request.Headers.Add("x-request-id", RequestId(voter, vote));
                using var answer = await client.SendAsync(request);
                statuses.Add((int)answer.StatusCode);
            }

            return statuses;
        })));

        Assert.All(answers.SelectMany(statuses => statuses), status => Assert.Equal(303, status));
        const int votes = Voters * VotesEach;
        Assert.Equal($"<div id=\"results\"> Cats: {votes / 2}/{votes} (50%) | Dogs: {votes / 2}/{votes} (50%) </div>",
            VotingPageReader.ResultsLine(await client.GetStringAsync("/")));
        // Counted where the votes arrive: storage's own request metrics.
        var alone = await ServedRequests.SinceAsync(storage, "/api/votes", aloneBefore, "POST");
        var together = await ServedRequests.SinceAsync(storage, "/api/votes/batch", togetherBefore, "POST");
        Assert.InRange(alone + together, 2, votes - 1);

        // Every vote's x-request-id reached storage's log: on its request's line, or on its batch's line.
        var missing = Enumerable.Range(0, Voters).SelectMany(voter => Enumerable.Range(0, VotesEach).Select(vote => RequestId(voter, vote)))
            .Where(id => !chain.Storage.Output.Contains(id, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {votes} votes' x-request-id not in storage's log, such as {missing.FirstOrDefault()}");
        Assert.Contains("votes sent together (x-request-id request-", chain.Storage.Output);
    }

    private static string RequestId(int voter, int vote) => $"request-{voter:00}-{vote:00}";
}
