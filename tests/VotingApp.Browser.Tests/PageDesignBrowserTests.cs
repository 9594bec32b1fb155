using Microsoft.Playwright;
using VotingApp.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace VotingApp.Browser.Tests;

/// <summary>
/// The page as it looks and answers in Chromium, clicking its own buttons: "No votes yet" before the first
/// vote and "Your vote ... was counted." after one; only the feature-flag button that applies enabled; on a
/// 375 px phone the card off the edges and no figure of the tally broken over two lines; every text of the
/// page and of its problem pages at WCAG AA contrast and every control with a visible focus ring. The chain
/// (app 1.0, analytics 1.1, storage 1.0) runs on the SQLite store.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PageDesignBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int PhoneWidth = 375;

    private readonly string _folder = RepositoryPaths.NewTempFolder("page-design");
    private VotingChain? _chain;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private VotingChain Chain => _chain ?? throw new InvalidOperationException("not started");
    private IBrowser Browser => _browser ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", VotingChain.SqliteEnvironment(_folder),
            new Dictionary<string, string?> { ["SHOWDETAILS"] = "true", ["FEATUREFLAG"] = "true", ["RESET_LIMIT_PER_MINUTE"] = "1" });
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
    }

    [Fact]
    public async Task The_page_says_no_votes_yet_then_that_a_vote_was_counted_and_enables_only_the_flag_button_that_applies()
    {
        var page = await DebianChromium.NewPageAsync(Browser, Chain.App.BaseAddress);
        var problems = BrowserProblems.Watch(page);
        await page.GotoAsync("/");
        var results = page.Locator("#results");
        var notice = page.GetByRole(AriaRole.Status);
        await Expect(results).ToHaveTextAsync("Cats: 0/0 (0%) | Dogs: 0/0 (0%)");
        await Expect(page.GetByText("No votes yet.")).ToBeVisibleAsync();
        await Expect(notice).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Button, new() { Name = "Cats", Exact = true }).ClickAsync();
        await Expect(notice).ToHaveTextAsync("Your vote for Cats was counted.");
        await Expect(results).ToHaveTextAsync("Cats: 1/1 (100%) | Dogs: 0/1 (0%)");
        await Expect(page.GetByText("No votes yet.")).ToHaveCountAsync(0);
        Assert.Equal(Chain.App.BaseAddress.ToString(), page.Url);
        // Said once: a reload shows the page without it.
        await page.ReloadAsync();
        await Expect(results).ToHaveTextAsync("Cats: 1/1 (100%) | Dogs: 0/1 (0%)");
        await Expect(notice).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Dogs", Exact = true }).ClickAsync();
        await Expect(notice).ToHaveTextAsync("Your vote for Dogs was counted.");
        await Expect(results).ToHaveTextAsync("Cats: 1/2 (50%) | Dogs: 1/2 (50%)");

        var set = page.GetByRole(AriaRole.Button, new() { Name = "Set feature flag" });
        var clear = page.GetByRole(AriaRole.Button, new() { Name = "Clear feature flag" });
        await Expect(set).ToBeEnabledAsync();
        await Expect(clear).ToBeDisabledAsync();
        await set.ClickAsync();
        await Expect(page.Locator("#featureflag")).ToContainTextAsync("Feature flag: on");
        await Expect(set).ToBeDisabledAsync();
        await Expect(clear).ToBeEnabledAsync();
        await clear.ClickAsync();
        await Expect(page.Locator("#featureflag")).ToContainTextAsync("Feature flag: off");
        await Expect(set).ToBeEnabledAsync();
        await Expect(clear).ToBeDisabledAsync();

        Assert.True(problems.Count == 0, "The browser reported problems:\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task On_a_phone_the_page_and_its_problem_pages_fit_read_at_AA_contrast_and_show_focus()
    {
        var page = await DebianChromium.NewPageAsync(Browser, Chain.App.BaseAddress, PhoneWidth, 740);
        await page.GotoAsync("/");
        await Expect(page.GetByText("No votes yet.")).ToBeVisibleAsync();
        await AssertReadableAsync(page, "the page before any vote");

        await page.GetByRole(AriaRole.Button, new() { Name = "Cats", Exact = true }).ClickAsync();
        await Expect(page.Locator("#results")).ToHaveTextAsync("Cats: 1/1 (100%) | Dogs: 0/1 (0%)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set feature flag" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Dogs", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Your vote for Dogs was counted.");
        await AssertCardOffTheEdgesAsync(page);
        await AssertNoFigureBrokenAsync(page);
        await AssertReadableAsync(page, "the page after a vote, flag on");
        var (reached, focusFailures) = await PageAccessibility.FocusRingProblemsAsync(page);
        output.WriteLine("tab stops: " + string.Join(", ", reached));
        Assert.True(reached.Count >= 4, "tab reached only: " + string.Join(", ", reached));
        Assert.True(focusFailures.Count == 0, "focus rings:\n" + string.Join("\n", focusFailures));
        await PageScreenshots.SaveAsync(page, "voting-page-375px.png", output);

        // RESET_LIMIT_PER_MINUTE=1: the second reset of the minute is refused (429).
        var reset = page.GetByRole(AriaRole.Button, new() { Name = "Reset", Exact = true });
        await reset.ClickAsync();
        await Expect(page.Locator("#results")).ToHaveTextAsync("Cats: 0/0 (0%) | Dogs: 0/0 (0%)");
        var tooMany = await page.RunAndWaitForResponseAsync(() => reset.ClickAsync(), response => response.Request.Method == "POST");
        Assert.Equal(429, tooMany.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Votes not reset");
        await AssertProblemPageAsync(page, "problem-page-429-375px.png");

        var notFound = await page.GotoAsync("/no-such-page");
        Assert.Equal(404, notFound?.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Not Found");
        await AssertProblemPageAsync(page, "problem-page-404-375px.png");

        // Storage gone: the vote is not counted (503), and the page offers to send it again.
        Assert.True(await Chain.Storage.TerminateAsync(TimeSpan.FromSeconds(30)), "storage did not stop");
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cats", Exact = true }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("Vote not counted");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send my vote for Cats again" })).ToBeVisibleAsync();
        await AssertProblemPageAsync(page, "problem-page-503-375px.png");
    }

    private async Task AssertProblemPageAsync(IPage page, string screenshot)
    {
        await AssertCardOffTheEdgesAsync(page);
        await AssertReadableAsync(page, screenshot);
        var fontFamily = await page.Locator("body").EvaluateAsync<string>("body => getComputedStyle(body).fontFamily");
        Assert.Equal("system-ui, sans-serif", fontFamily);
        var (_, focusFailures) = await PageAccessibility.FocusRingProblemsAsync(page);
        Assert.True(focusFailures.Count == 0, "focus rings:\n" + string.Join("\n", focusFailures));
        await PageScreenshots.SaveAsync(page, screenshot, output);
    }

    private async Task AssertReadableAsync(IPage page, string what)
    {
        var (measured, failures) = await PageAccessibility.TextBelowAaAsync(page);
        output.WriteLine($"{what}: {measured} texts measured");
        Assert.True(measured >= 3, $"{what}: only {measured} texts found: the test measures nothing");
        Assert.True(failures.Count == 0, $"{what}: below {PageAccessibility.TextContrast}:1:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task On_a_phone_a_crowds_counts_wrap_between_the_figures_never_inside_one()
    {
        // After a load generator's run the counts have five digits: the line no longer fits a phone's width.
        await using var redis = await RedisServer.StartAsync();
        await redis.CommandAsync("HSET", "voting:counts", "Cats", "9", "Dogs", "23456");
        await using var chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", VotingChain.RedisEnvironment(redis));
        var page = await DebianChromium.NewPageAsync(Browser, chain.App.BaseAddress, PhoneWidth, 740);
        await page.GotoAsync("/");
        await Expect(page.Locator("#results")).ToHaveTextAsync("Cats: 9/23465 (0%) | Dogs: 23456/23465 (100%)");
        var shown = page.GetByText("Cats: 9/23465 (0%)", new() { Exact = true });
        var dogs = page.GetByText("Dogs: 23456/23465 (100%)", new() { Exact = true });
        var (catsBox, dogsBox) = (await shown.BoundingBoxAsync(), await dogs.BoundingBoxAsync());
        Assert.True(catsBox is not null && dogsBox is not null && dogsBox.Y > catsBox.Y,
            $"the figures are not on two lines at {PhoneWidth} px: the test would not see a break");
        await PageScreenshots.SaveAsync(page, "voting-page-crowd-375px.png", output);
        await AssertNoFigureBrokenAsync(page);
        await AssertCardOffTheEdgesAsync(page);
    }

    /// <summary>
    /// The card stays at least 8 px from both edges, nothing makes the page wider than the screen, and no
    /// text in the card runs out of its box (a long word, a trace id); the results line clipped for screen readers aside.
    /// </summary>
    private static async Task AssertCardOffTheEdgesAsync(IPage page)
    {
        var card = await page.Locator("main").BoundingBoxAsync() ?? throw new Xunit.Sdk.XunitException("no <main>");
        Assert.True(card.X >= 8 && card.X + card.Width <= PhoneWidth - 8, $"the card spans {card.X:0}..{card.X + card.Width:0} px of {PhoneWidth}");
        var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= PhoneWidth, $"the page is {width} px wide on a {PhoneWidth} px screen");
        var overflowing = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('main, main *')].filter(e => e.clientWidth > 0 && getComputedStyle(e).clipPath === 'none' && e.scrollWidth > e.clientWidth + 1)" +
            ".map(e => e.tagName.toLowerCase() + ': ' + e.scrollWidth + ' px of content in ' + e.clientWidth + ' px')");
        Assert.True(overflowing.Length == 0, "text runs out of its box:\n" + string.Join("\n", overflowing));
    }

    /// <summary>
    /// Each figure of the tally as people see it ("Cats: 1/2 (50%)") lies on one line: its text's boxes share one
    /// top; and the figures read, in order, the results line the curl loop prints.
    /// </summary>
    private async Task AssertNoFigureBrokenAsync(IPage page)
    {
        var figures = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('.tally span')].filter(span => span.checkVisibility()).map(span => {
              const range = document.createRange();
              range.selectNodeContents(span);
              return span.textContent + '|' + new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
            })
            """);
        output.WriteLine("figures (text|lines): " + string.Join(", ", figures));
        var line = await page.Locator("#results").TextContentAsync() ?? "";
        Assert.Equal(line.Trim().Split(" | "), figures.Select(figure => figure[..figure.LastIndexOf('|')]));
        Assert.All(figures, figure => Assert.EndsWith("|1", figure));
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_chain is not null)
        {
            output.WriteLine(_chain.App.Output);
            await _chain.DisposeAsync();
        }

        RepositoryPaths.DeleteFolder(_folder);
    }
}
