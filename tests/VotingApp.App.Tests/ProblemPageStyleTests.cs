using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.App.Tests;

/// <summary>
/// Every page a browser can be shown, the problem pages too (400, 403, 404, 415, 429, 503), carries the voting
/// page's own stylesheet and a policy that allows exactly it by hash, and still no script. API clients still
/// get problem JSON.
/// </summary>
public sealed partial class ProblemPageStyleTests
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    [Fact]
    public async Task Every_problem_page_carries_the_pages_stylesheet_allowed_by_its_hash()
    {
        await using var factory = AppFactory.WithUpstreamsDown(("RESET_LIMIT_PER_MINUTE", "1"));
        using var client = factory.CreateNonRedirectingClient();
        var pageStyle = Style(await client.GetStringAsync("/"));

        var answers = new List<(string What, HttpResponseMessage Response)>
        {
            ("unknown option", await client.PostAsync("/", VotingPageReader.VoteForm("Birds", null))),
            ("not a form", await client.PostAsync("/", new StringContent("{}", Encoding.UTF8, "application/json"))),
            ("not counted", await client.PostAsync("/", VotingPageReader.VoteForm("Cats", VoteToken.New()))),
            ("reset not done", await client.PostAsync("/", VotingPageReader.VoteForm(Ballot.ResetValue, VoteToken.New()))),
            ("too many resets", await client.PostAsync("/", VotingPageReader.VoteForm(Ballot.ResetValue, VoteToken.New()))),
            ("cross-site form", await client.SendAsync(FromBrowser(HttpMethod.Post, "/", ("Origin", "http://attacker.example")))),
            ("no such page", await client.SendAsync(FromBrowser(HttpMethod.Get, "/no-such-page"))),
        };

        Assert.Equal(
            [400, 415, 503, 503, 429, 403, 404],
            answers.Select(answer => (int)answer.Response.StatusCode));
        foreach (var (what, response) in answers)
        {
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.Content.Headers.ContentType?.MediaType == "text/html", $"{what}: {response.Content.Headers.ContentType}\n{html}");
            Assert.Contains("<html lang=\"en\">", html);
            Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html);
            Assert.Equal(pageStyle, Style(html));
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains($"style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(pageStyle)))}';", policy);
            Assert.DoesNotContain("script", policy);
            Assert.DoesNotContain("<script", html);
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_browser_gets_a_404_page_and_an_API_client_problem_JSON()
    {
        await using var factory = AppFactory.WithUpstreamsDown();
        using var client = factory.CreateNonRedirectingClient();

        using var browser = await client.SendAsync(FromBrowser(HttpMethod.Get, "/no-such-page"));
        var html = await browser.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, browser.StatusCode);
        Assert.Contains("<h1>Not Found</h1>", html);
        Assert.Contains("There is no page at this address.", html);
        Assert.Contains("<a href=\"/\">Back to the voting page</a>", html);
        Assert.Matches("trace id [0-9a-f]{32}", html);

        foreach (var accept in new[] { null, "*/*", "application/json" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/no-such-page");
            if (accept is not null) request.Headers.Add("Accept", accept);
            using var api = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        }
    }

    private static HttpRequestMessage FromBrowser(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Accept", BrowserAccept);
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        if (method == HttpMethod.Post) request.Content = VotingPageReader.VoteForm("Cats", VoteToken.New());
        return request;
    }

    /// <summary>The content of the page's one &lt;style&gt; element (what the policy's hash covers), or "" when it has none.</summary>
    private static string Style(string html)
    {
        var styles = StyleElement().Matches(html);
        Assert.True(styles.Count <= 1, $"{styles.Count} style elements");
        return styles.Count == 1 ? styles[0].Groups["css"].Value : "";
    }

    [GeneratedRegex("<style>(?<css>.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();
}
