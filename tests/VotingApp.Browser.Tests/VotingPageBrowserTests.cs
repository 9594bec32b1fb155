using Microsoft.Playwright;
using VotingApp.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace VotingApp.Browser.Tests;

/// <summary>
/// The voting page as a person uses it: Debian's chromium, driven by Playwright, against the whole chain
/// (app 1.0, analytics 1.1, storage 1.0 on a real Redis), each service its own process on a loopback port.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class VotingPageBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private RedisServer? _redis;
    private VotingChain? _chain;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private VotingChain Chain => _chain ?? throw new InvalidOperationException("not started");
    private IBrowser Browser => _browser ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", VotingChain.RedisEnvironment(_redis),
            new Dictionary<string, string?> { ["SHOWDETAILS"] = "true", ["FEATUREFLAG"] = "true" });
        _playwright = await Playwright.CreateAsync();
        _browser = await DebianChromium.LaunchAsync(_playwright);
    }

    [Fact]
    public async Task Voting_resetting_and_the_feature_flag_work_in_a_real_browser()
    {
        var page = await DebianChromium.NewPageAsync(Browser, Chain.App.BaseAddress);
        await using var context = page.Context;
        var problems = BrowserProblems.Watch(page);

        var response = await page.GotoAsync("/");
        Assert.Equal(200, response?.Status);
        await Expect(page).ToHaveTitleAsync("Voting App");
        var results = page.Locator("#results");
        await Expect(results).ToHaveTextAsync("Cats: 0/0 (0%) | Dogs: 0/0 (0%)");
        await Expect(page.Locator("#details")).ToContainTextAsync("App version: 1.0");
        await Expect(page.Locator("#details")).ToContainTextAsync("Store: redis");

        var cats = page.GetByRole(AriaRole.Button, new() { Name = "Cats", Exact = true });
        var dogs = page.GetByRole(AriaRole.Button, new() { Name = "Dogs", Exact = true });
        var reset = page.GetByRole(AriaRole.Button, new() { Name = "Reset", Exact = true });

        await cats.ClickAsync();
        await Expect(results).ToHaveTextAsync("Cats: 1/1 (100%) | Dogs: 0/1 (0%)");
        await cats.ClickAsync();
        await Expect(results).ToHaveTextAsync("Cats: 2/2 (100%) | Dogs: 0/2 (0%)");
        await dogs.ClickAsync();
        await Expect(results).ToHaveTextAsync("Cats: 2/3 (67%) | Dogs: 1/3 (33%)");
        // The redirect after each vote brought the browser back to the page itself (no resubmission on reload).
        Assert.Equal(Chain.App.BaseAddress.ToString(), page.Url);
        await PageScreenshots.SaveAsync(page, "voting-page-after-votes.png", output);

        await reset.ClickAsync();
        await Expect(results).ToHaveTextAsync("Cats: 0/0 (0%) | Dogs: 0/0 (0%)");

        // A double click: Chromium itself sends the form once or twice; either way, one vote. Then the same
        // form posted twice at once (as a double click does on a slow connection, which Chromium sends both
        // of), with the browser's cookies but from outside the page: the page's CSP lets no script fetch.
        // The page's one token, so again one vote. The next page has a fresh token, so the next click is a
        // vote of its own.
        var votePosts = 0;
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.PostData?.Contains("vote=Cats", StringComparison.Ordinal) == true) Interlocked.Increment(ref votePosts);
        };
        await cats.DblClickAsync();
        await Expect(results).ToHaveTextAsync("Cats: 1/1 (100%) | Dogs: 0/1 (0%)");
        var token = await page.Locator("form input[name=token]").First.GetAttributeAsync("value");
        Assert.False(string.IsNullOrEmpty(token), "the page carries no vote token");
        var posts = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
        {
            var form = context.APIRequest.CreateFormData();
            form.Set("vote", "Cats");
            form.Set("token", token!);
            return context.APIRequest.PostAsync("/", new() { Form = form, MaxRedirects = 0 });
        }));
        Assert.All(posts, post => Assert.Equal(303, post.Status));
        votePosts += posts.Length;
        await page.ReloadAsync();
        await Expect(results).ToHaveTextAsync("Cats: 2/2 (100%) | Dogs: 0/2 (0%)");
        Assert.True(votePosts >= 3, $"{votePosts} Cats votes were posted, not at least three: the test proves nothing");
        await dogs.ClickAsync();
        await Expect(results).ToHaveTextAsync("Cats: 2/3 (67%) | Dogs: 1/3 (33%)");
        await reset.ClickAsync();
        await Expect(results).ToHaveTextAsync("Cats: 0/0 (0%) | Dogs: 0/0 (0%)");

        var featureFlag = page.Locator("#featureflag");
        await Expect(featureFlag).ToContainTextAsync("Feature flag: off");
        Assert.Null(await FeatureFlagCookieAsync(context));

        await page.Locator("#set-featureflag").ClickAsync();
        await Expect(featureFlag).ToContainTextAsync("Feature flag: on");
        var cookie = await FeatureFlagCookieAsync(context) ?? throw new Xunit.Sdk.XunitException("no featureflag cookie after #set-featureflag");
        Assert.Equal("on", cookie.Value);
        Assert.Equal("/", cookie.Path);
        Assert.True(cookie.HttpOnly, "the featureflag cookie should be HttpOnly");
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        var lifetime = DateTimeOffset.FromUnixTimeMilliseconds((long)(cookie.Expires * 1000)) - DateTimeOffset.UtcNow;
        // 15 minutes; Playwright gives the expiry as a float (seconds since 1970), which is only precise
        // to 128 s at today's dates, hence the wide range.
        Assert.InRange(lifetime, TimeSpan.FromMinutes(12.5), TimeSpan.FromMinutes(17.5));
        await PageScreenshots.SaveAsync(page, "voting-page-feature-flag-on.png", output);

        // The flag is kept across a fresh load of the page (the cookie goes back to the app).
        await page.ReloadAsync();
        await Expect(featureFlag).ToContainTextAsync("Feature flag: on");

        await page.Locator("#clear-featureflag").ClickAsync();
        await Expect(featureFlag).ToContainTextAsync("Feature flag: off");
        Assert.Null(await FeatureFlagCookieAsync(context));
        await Expect(results).ToHaveTextAsync("Cats: 0/0 (0%) | Dogs: 0/0 (0%)");

        Assert.True(problems.Count == 0, "The browser reported problems:\n" + string.Join("\n", problems));
    }

    [Fact]
    public async Task Voters_clicking_at_once_are_each_counted_once_and_told_so_though_their_votes_reach_storage_together()
    {
        const int voters = 6, rounds = 2;
        var pages = new List<IPage>();
        for (var voter = 0; voter < voters; voter++)
        {
            var page = await DebianChromium.NewPageAsync(Browser, Chain.App.BaseAddress);
            pages.Add(page);
            Assert.Equal(200, (await page.GotoAsync("/"))?.Status);
        }

        await pages[0].GetByRole(AriaRole.Button, new() { Name = "Reset", Exact = true }).ClickAsync();
        await Expect(pages[0].Locator("#results")).ToHaveTextAsync("Cats: 0/0 (0%) | Dogs: 0/0 (0%)");
        await Task.WhenAll(pages.Skip(1).Select(page => page.ReloadAsync()));
        using var storage = Chain.Storage.CreateClient();
        var batchesBefore = await ServedRequests.CountAsync(storage, "/api/votes/batch", "POST");

        for (var round = 0; round < rounds; round++)
        {
            // Redis holds writes for a second, as a busy store would: the first vote waits in storage and the
            // others wait in the app, which then sends them together.
            await _redis!.CommandAsync("CLIENT", "PAUSE", "1000", "WRITE");
            await Task.WhenAll(pages.Select((page, voter) =>
                page.GetByRole(AriaRole.Button, new() { Name = voter % 2 == 0 ? "Cats" : "Dogs", Exact = true }).ClickAsync()));
            // Each voter is back on the page, told that its own vote was counted.
            await Task.WhenAll(pages.Select((page, voter) =>
                Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync($"Your vote for {(voter % 2 == 0 ? "Cats" : "Dogs")} was counted.")));
        }

        await Task.WhenAll(pages.Select(page => page.ReloadAsync()));
        const int votes = voters * rounds;
        await Task.WhenAll(pages.Select(page =>
            Expect(page.Locator("#results")).ToHaveTextAsync($"Cats: {votes / 2}/{votes} (50%) | Dogs: {votes / 2}/{votes} (50%)")));
        Assert.InRange(await ServedRequests.SinceAsync(storage, "/api/votes/batch", batchesBefore, "POST"), 1, rounds * (voters - 1));
        foreach (var page in pages) await page.Context.DisposeAsync();
    }

    private static async Task<BrowserContextCookiesResult?> FeatureFlagCookieAsync(IBrowserContext context) =>
        (await context.CookiesAsync()).SingleOrDefault(cookie => cookie.Name == "featureflag");

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_chain is not null)
        {
            output.WriteLine(_chain.App.Output);
            await _chain.DisposeAsync();
        }

        if (_redis is not null) await _redis.DisposeAsync();
    }
}
