using System.Net;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.App.Tests;

/// <summary>
/// The page's vote token: every rendering carries a fresh, unguessable one in the vote form; a malformed one
/// is refused before any call; a tokened vote that storage could not take is offered again with the same
/// token, so that sending it again cannot count it twice.
/// </summary>
public sealed class VoteTokenPageTests
{
    [Fact]
    public async Task Every_rendering_carries_a_fresh_token_in_the_vote_form()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        var pages = new List<string>();
        for (var i = 0; i < 50; i++) pages.Add(await client.GetStringAsync("/"));

        var tokens = pages.Select(page => Assert.Single(VotingPageReader.VoteTokens(page))).ToList();
        Assert.All(tokens, token => Assert.True(VoteToken.IsWellFormed(token) && token.Length == 22, token));
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
        // Inside the vote form, before its buttons: every button of the form sends it.
        var page = pages[0];
        Assert.True(page.IndexOf("<form class=\"vote\"", StringComparison.Ordinal) < page.IndexOf(tokens[0], StringComparison.Ordinal)
                    && page.IndexOf(tokens[0], StringComparison.Ordinal) < page.IndexOf("<button class=\"option1\"", StringComparison.Ordinal));
        Assert.Single(VotingPageReader.ResultsLines(page));
    }

    [Fact]
    public async Task A_malformed_token_is_refused_with_400()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        using var response = await client.PostAsync("/", VotingPageReader.VoteForm("Cats", "not a token <script>"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The form&#x27;s vote token is malformed", html);
        Assert.DoesNotContain("<script>", html);
    }

    [Fact]
    public async Task A_tokened_vote_storage_could_not_take_is_offered_again_with_the_same_token()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        var token = VoteToken.New();
        using var response = await client.PostAsync("/", VotingPageReader.VoteForm("Dogs", token));
        var html = await response.Content.ReadAsStringAsync();

        // Nothing listens on the port: the vote never reached storage, so "not counted" is the truth.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Your vote was not counted", html);
        Assert.Equal([token], VotingPageReader.VoteTokens(html));
        Assert.Contains("<button name=\"vote\" value=\"Dogs\">Send my vote for Dogs again</button>", html);
    }
}
