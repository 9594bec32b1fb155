using System.Net;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.App.Tests;

/// <summary>
/// The page on a public site: never stored by a cache; forms from another origin refused before anything
/// is read; a reset only from the page itself (its token), throttled, and switched off by the operator.
/// </summary>
public sealed class PublicPageTests
{
    [Fact]
    public async Task The_page_and_its_problem_pages_are_never_stored()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        using var page = await client.GetAsync("/");
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        using var problem = await client.PostAsync("/", VotingPageReader.VoteForm("Cats", VoteToken.New()));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, problem.StatusCode);
        Assert.Equal("no-store", problem.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task A_problem_page_with_a_form_may_post_it_to_the_page_and_one_without_may_not()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        using var retry = await client.PostAsync("/", VotingPageReader.VoteForm("Cats", VoteToken.New()));
        Assert.Contains("<form id=\"retry\"", await retry.Content.ReadAsStringAsync());
        Assert.Contains("form-action 'self'", retry.Headers.GetValues("Content-Security-Policy").Single());
        using var refused = await client.PostAsync("/", VotingPageReader.VoteForm("Birds", null));
        Assert.Contains("form-action 'none'", refused.Headers.GetValues("Content-Security-Policy").Single());
        Assert.All([retry, refused], answer => Assert.DoesNotContain("script-src", answer.Headers.GetValues("Content-Security-Policy").Single()));
    }

    public static TheoryData<string, string, string> CrossSite => new()
    {
        { "/", "Origin", "http://attacker.example" },
        { "/", "Origin", "null" },
        { "/", "Origin", "http://localhost:1" },
        { "/", "Sec-Fetch-Site", "cross-site" },
        { "/", "Sec-Fetch-Site", "same-site" },
        { "/featureflag/set", "Origin", "http://attacker.example" },
        { "/featureflag/clear", "Sec-Fetch-Site", "cross-site" },
    };

    [Theory]
    [MemberData(nameof(CrossSite))]
    public async Task A_form_from_another_origin_is_refused_with_403(string path, string header, string value)
    {
        await using var factory = AppFactory.WithUpstreamsDown(("FEATUREFLAG", "true"));
        using var client = factory.CreateNonRedirectingClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = VotingPageReader.VoteForm("reset", VoteToken.New()) };
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("not from this site", await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("Origin", "http://localhost")]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    [InlineData("Sec-Fetch-Site", "none")]
    public async Task A_form_from_the_page_itself_or_typed_by_the_user_goes_through(string header, string value)
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = VotingPageReader.VoteForm("Cats", VoteToken.New()) };
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await client.SendAsync(request);

        // Storage is down: the vote was let through to it.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task A_reset_without_the_pages_token_is_refused_with_400()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        using var response = await client.PostAsync("/", VotingPageReader.VoteForm(Ballot.ResetValue, null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Reset only with the page&#x27;s Reset button", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Resets_over_the_clients_budget_get_429()
    {
        await using var factory = AppFactory.WithUpstreamsDown(("RESET_LIMIT_PER_MINUTE", "2"));
        using var client = factory.CreateNonRedirectingClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsync("/", VotingPageReader.VoteForm(Ballot.ResetValue, VoteToken.New()));
            statuses.Add(response.StatusCode);
        }

        // Storage is down: the first two were tried (503), the next two refused before any call.
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task With_RESET_ENABLED_false_the_page_has_no_Reset_button_and_a_reset_gets_403()
    {
        await using var factory = AppFactory.WithUpstreamsDown(("RESET_ENABLED", "false"));
        using var client = factory.CreateNonRedirectingClient();
        var page = await client.GetStringAsync("/");
        Assert.DoesNotContain("value=\"reset\"", page);
        Assert.Contains("value=\"Cats\"", page);

        using var response = await client.PostAsync("/", VotingPageReader.VoteForm(Ballot.ResetValue, VotingPageReader.VoteTokens(page).Single()));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Resetting the votes is switched off on this site", await response.Content.ReadAsStringAsync());
    }
}
