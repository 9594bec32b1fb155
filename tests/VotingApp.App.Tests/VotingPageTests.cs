using System.Net;
using VotingApp.Testing;

namespace VotingApp.App.Tests;

/// <summary>
/// The app in memory, with its upstreams pointed at a loopback port where nothing listens: what a voter
/// sees when analytics and storage are down, and how bad input is refused before any call is made.
/// </summary>
public class VotingPageTests
{
    [Fact]
    public async Task Page_renders_with_voting_offered_when_analytics_is_down()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("<div id=\"results\"> Results are unavailable right now </div>", VotingPageReader.ResultsLine(html));
        Assert.Contains("<button class=\"option1\" name=\"vote\" value=\"Cats\">Cats</button>", html);
        Assert.Contains("<button class=\"option2\" name=\"vote\" value=\"Dogs\">Dogs</button>", html);
        Assert.Contains("value=\"reset\"", html);
    }

    [Fact]
    public async Task Vote_that_storage_cannot_take_gets_503_saying_it_was_not_counted()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        using var response = await client.PostAsync("/", new FormUrlEncodedContent([new("vote", "Cats")]));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Your vote was not counted: the vote store did not answer. Please try again.", html);
        Assert.Matches("trace id [0-9a-f]{32}", html);
        Assert.DoesNotContain("voting-storage", html);
        Assert.DoesNotContain("127.0.0.1", html);
    }

    [Theory]
    [InlineData("Birds")]
    [InlineData("")]
    [InlineData("cats")]
    [InlineData("Reset")]
    public async Task Unknown_vote_gets_400_naming_the_options(string vote)
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        using var response = await client.PostAsync("/", new FormUrlEncodedContent([new("vote", vote)]));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is not an option. Vote for Cats or Dogs, or reset.", html);
    }

    [Fact]
    public async Task Vote_longer_than_any_option_gets_400_and_is_not_echoed_whole()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        var vote = new string('C', 900);
        using var response = await client.PostAsync("/", new FormUrlEncodedContent([new("vote", vote)]));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(vote, html);
    }

    [Fact]
    public async Task Vote_that_is_not_a_urlencoded_form_gets_415()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        using var response = await client.PostAsync("/", new StringContent("{\"vote\":\"Cats\"}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("Send the vote as a form field", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Form_without_a_vote_field_gets_400()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        using var response = await client.PostAsync("/", new FormUrlEncodedContent([new("choice", "Cats")]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Every_configured_value_is_html_encoded()
    {
        await using var factory = AppFactory.WithUpstreamsDown(("TITLE", "<b>Pets</b>"), ("VOTE1VALUE", "<script>alert(1)</script>"), ("VOTE2VALUE", "\"Dogs\" & co"));
        using var client = factory.CreateNonRedirectingClient();
        var html = await client.GetStringAsync("/");

        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<b>Pets</b>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("&lt;b&gt;Pets&lt;/b&gt;", html);
        Assert.Contains("&quot;Dogs&quot; &amp; co", html);
    }

    [Fact]
    public async Task Details_footer_shows_host_version_and_store_only_when_asked()
    {
        await using (var plain = AppFactory.WithUpstreamsDown())
        {
            using var client = plain.CreateNonRedirectingClient();
            Assert.DoesNotContain("id=\"details\"", await client.GetStringAsync("/"));
        }

        await using var detailed = AppFactory.WithUpstreamsDown(("SHOWDETAILS", "true"), ("VOTING_VERSION", "2.0"));
        using var detailedClient = detailed.CreateNonRedirectingClient();
        var html = await detailedClient.GetStringAsync("/");
        Assert.Contains($"Host: {Environment.MachineName} &middot; App version: 2.0 &middot; Store: unknown", html);
    }

    [Fact]
    public async Task Feature_flag_links_set_and_clear_the_cookie_and_the_page_shows_it()
    {
        await using var factory = AppFactory.WithUpstreamsDown(("FEATUREFLAG", "true"));
        using var client = factory.CreateNonRedirectingClient();

        Assert.Contains("Feature flag: off", await client.GetStringAsync("/"));

        using var set = await client.PostAsync("/featureflag/set", null);
        Assert.Equal(HttpStatusCode.SeeOther, set.StatusCode);
        Assert.Equal("/", set.Headers.Location?.OriginalString);
        Assert.StartsWith("featureflag=on;", set.Headers.GetValues("Set-Cookie").Single());

        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/");
        withCookie.Headers.Add("Cookie", "a=1; featureflag=on; b=2");
        using var page = await client.SendAsync(withCookie);
        Assert.Contains("Feature flag: <strong>on</strong>", await page.Content.ReadAsStringAsync());

        using var clear = await client.PostAsync("/featureflag/clear", null);
        Assert.Equal(HttpStatusCode.SeeOther, clear.StatusCode);
        Assert.StartsWith("featureflag=;", clear.Headers.GetValues("Set-Cookie").Single());
    }

    [Fact]
    public async Task Only_the_feature_flag_button_that_would_change_something_is_enabled()
    {
        await using var factory = AppFactory.WithUpstreamsDown(("FEATUREFLAG", "true"));
        using var client = factory.CreateNonRedirectingClient();

        var off = await client.GetStringAsync("/");
        Assert.Contains("<button id=\"set-featureflag\">Set feature flag</button>", off);
        Assert.Contains("<button id=\"clear-featureflag\" disabled>Clear feature flag</button>", off);

        using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/");
        withCookie.Headers.Add("Cookie", "featureflag=on");
        using var page = await client.SendAsync(withCookie);
        var on = await page.Content.ReadAsStringAsync();
        Assert.Contains("<button id=\"set-featureflag\" disabled>Set feature flag</button>", on);
        Assert.Contains("<button id=\"clear-featureflag\">Clear feature flag</button>", on);
    }

    [Theory]
    [InlineData("voted=1", "Your vote for Cats was counted.")]
    [InlineData("a=1; voted=2", "Your vote for Dogs was counted.")]
    [InlineData("voted=3", null)]
    [InlineData("voted=x", null)]
    public async Task The_page_after_a_counted_vote_says_so_once_and_removes_the_sign(string cookie, string? notice)
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        if (notice is null)
        {
            Assert.DoesNotContain("was counted", html);
        }
        else
        {
            Assert.Contains($"<p class=\"notice\" role=\"status\">{notice}</p>", html);
        }

        Assert.Contains(response.Headers.GetValues("Set-Cookie"), header => header.StartsWith("voted=;", StringComparison.Ordinal) && header.Contains("expires=Thu, 01 Jan 1970", StringComparison.Ordinal));
        Assert.DoesNotContain("was counted", await client.GetStringAsync("/"));
        Assert.Single(VotingPageReader.ResultsLines(html));
    }

    [Fact]
    public async Task Without_FEATUREFLAG_the_page_has_no_flag_links()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();
        Assert.DoesNotContain("featureflag", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task Every_response_names_the_app_version_in_the_chain_header()
    {
        await using var factory = AppFactory.WithUpstreamsDown(("VOTING_VERSION", "2.0"));
        using var client = factory.CreateNonRedirectingClient();
        using var response = await client.GetAsync("/health/live");
        Assert.Equal("app/2.0", response.Headers.GetValues("x-voting-chain").Single());
    }
}
