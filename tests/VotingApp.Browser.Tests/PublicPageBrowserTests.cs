using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using VotingApp.Contracts;
using VotingApp.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace VotingApp.Browser.Tests;

/// <summary>
/// The page on a public site, in Chromium: the "send my vote again" button of a vote whose answer was lost
/// works and counts the vote once; another website's auto-submitting form (a vote, a reset) is refused and
/// changes nothing. The chain runs on the SQLite store, with a proxy between the app and storage that can
/// lose storage's answers.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PublicPageBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _folder = RepositoryPaths.NewTempFolder("public-page");
    private ServiceProcess? _storage;
    private ServiceProcess? _analytics;
    private RecordingProxy? _storageProxy;
    private ServiceProcess? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private ServiceProcess App => _app ?? throw new InvalidOperationException("not started");
    private RecordingProxy StorageProxy => _storageProxy ?? throw new InvalidOperationException("not started");
    private IBrowser Browser => _browser ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", VotingChain.SqliteEnvironment(_folder));
        _analytics = await ServiceProcess.StartAsync(ServiceCatalog.Analytics, "1.1", VotingChain.Upstream("STORAGE", _storage.Port));
        _storageProxy = await RecordingProxy.StartAsync(_storage.BaseAddress);
        _app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", VotingChain.AppUpstreams(_analytics.Port, _storageProxy.Port));
        await WaitForResultsAsync("Cats: 0/0 (0%) | Dogs: 0/0 (0%)");
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
    }

    [Fact]
    public async Task The_send_again_button_of_a_vote_whose_answer_was_lost_sends_the_same_token_and_counts_it_once()
    {
        var page = await Browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = App.BaseAddress.ToString() });
        page.SetDefaultTimeout(30_000);
        SetDefaultExpectTimeout(15_000);
        var cspViolations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) cspViolations.Add(message.Text);
        };
        var postedTokens = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.PostData is { } body) postedTokens.Add(body);
        };

        await page.GotoAsync("/");
        await Expect(page.Locator("#results")).ToHaveTextAsync("Cats: 0/0 (0%) | Dogs: 0/0 (0%)");
        var token = await page.Locator("form.vote input[name=token]").GetAttributeAsync("value");

        // Storage counts the vote, but its answer is lost on the way back: the app cannot confirm it.
        StorageProxy.LoseAnswersWith = 503;
        await page.GetByRole(AriaRole.Button, new() { Name = "Cats", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Vote not confirmed");
        Assert.Equal("Cats: 1/1 (100%) | Dogs: 0/1 (0%)", await ResultsAsync());

        StorageProxy.LoseAnswersWith = null;
        await page.GetByRole(AriaRole.Button, new() { Name = "Send my vote for Cats again" }).ClickAsync();
        await Expect(page.Locator("#results")).ToHaveTextAsync("Cats: 1/1 (100%) | Dogs: 0/1 (0%)");
        Assert.Equal(App.BaseAddress.ToString(), page.Url);

        Assert.Equal(2, postedTokens.Count);
        Assert.All(postedTokens, body => Assert.Equal($"token={token}&vote=Cats", body));
        Assert.True(cspViolations.Count == 0, string.Join("\n", cspViolations));
    }

    [Fact]
    public async Task Another_sites_auto_submitting_forms_are_refused_and_change_nothing()
    {
        using var client = App.CreateClient();
        foreach (var _ in Enumerable.Range(0, 3)) Assert.Equal(303, await VotingPageReader.VoteAsync(client, "Cats"));
        const string counts = "Cats: 3/3 (100%) | Dogs: 0/3 (0%)";
        await WaitForResultsAsync(counts);

        // Another origin on loopback: 127.0.0.2 is another site; the same address on another port is the same
        // site but another origin. Each serves a page whose form, carrying a fresh token of the app's own page,
        // posts itself to the app as soon as it loads.
        await using var otherSite = await AttackerSite.StartAsync("127.0.0.2", App.BaseAddress);
        await using var otherPort = await AttackerSite.StartAsync("127.0.0.1", App.BaseAddress);
        var page = await Browser.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        foreach (var site in new[] { otherSite, otherPort })
        {
            foreach (var vote in new[] { Ballot.ResetValue, "Dogs" })
            {
                var token = VotingPageReader.VoteTokens(await client.GetStringAsync("/")).First();
                var answer = await page.RunAndWaitForResponseAsync(
                    () => page.GotoAsync(site.FormUrl(vote, token)),
                    response => response.Request.Method == "POST" && response.Url.StartsWith(App.BaseAddress.ToString(), StringComparison.Ordinal));
                output.WriteLine($"{site.Origin} vote={vote}: {answer.Status}");
                Assert.Equal(403, answer.Status);
                Assert.Contains("not from this site", await answer.TextAsync());
                Assert.Equal(counts, await ResultsAsync());
            }
        }
    }

    private async Task<string> ResultsAsync()
    {
        using var client = App.CreateClient();
        var line = VotingPageReader.ResultsLine(await client.GetStringAsync("/"));
        return line.Replace("<div id=\"results\"> ", "", StringComparison.Ordinal).Replace(" </div>", "", StringComparison.Ordinal);
    }

    private Task WaitForResultsAsync(string expected) =>
        Eventually.UntilAsync($"the page to say '{expected}'", ResultsAsync, line => line == expected, TimeSpan.FromSeconds(60),
            () => App.Output, e => e is HttpRequestException or TaskCanceledException, TimeSpan.FromMilliseconds(250));

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_app is not null)
        {
            output.WriteLine(_app.Output);
            await _app.DisposeAsync();
        }

        if (_storageProxy is not null) await _storageProxy.DisposeAsync();
        if (_analytics is not null) await _analytics.DisposeAsync();
        if (_storage is not null) await _storage.DisposeAsync();
        RepositoryPaths.DeleteFolder(_folder);
    }

    /// <summary>Another website: a Kestrel on its own loopback address and port serving one page that submits a form to the app.</summary>
    private sealed class AttackerSite : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private AttackerSite(WebApplication app, string origin)
        {
            _app = app;
            Origin = origin;
        }

        public string Origin { get; }

        public string FormUrl(string vote, string token) => $"{Origin}/?vote={WebUtility.UrlEncode(vote)}&token={WebUtility.UrlEncode(token)}";

        public static async Task<AttackerSite> StartAsync(string address, Uri target)
        {
            var origin = $"http://{address}:{FreePort.Next()}";
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(origin);
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapGet("/", (string vote, string token) => Results.Content(
                $"""
                <!DOCTYPE html>
                <html><body onload="document.forms[0].submit()">
                <form method="post" action="{target}">
                <input type="hidden" name="token" value="{WebUtility.HtmlEncode(token)}">
                <input type="hidden" name="vote" value="{WebUtility.HtmlEncode(vote)}">
                </form></body></html>
                """, "text/html; charset=utf-8"));
            await app.StartAsync();
            return new AttackerSite(app, origin);
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
