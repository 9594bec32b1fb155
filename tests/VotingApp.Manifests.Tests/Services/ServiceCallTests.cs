using System.Net;
using System.Text.RegularExpressions;
using VotingApp.Manifests.Tests.Routing;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.Services;

/// <summary>
/// The calls the routing and policy tests assume are the calls the services make: a chain of real service
/// processes, with a recording proxy in front of every callee, is driven the way a browser drives it (the
/// page, then every form the page renders, every button of it, with and without the feature flag), and
/// what each service sent is compared with <see cref="CallGraph.ServiceCalls"/>; the forms and their
/// targets with <see cref="CallGraph.BrowserCalls"/>. Storage keeps the votes in a SQLite file here.
/// </summary>
public sealed partial class ServiceCallTests
{
    [Theory]
    [InlineData("1.0", "1.1", "1.0")]
    [InlineData("2.0", "2.0", "2.0")]
    public async Task The_services_make_exactly_the_calls_the_policies_allow(string appVersion, string analyticsVersion, string storageVersion)
    {
        var folder = RepositoryPaths.NewTempFolder("calls");
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, storageVersion,
            VotingChain.SqliteEnvironment(folder));
        await storage.WaitUntilReadyAsync(TimeSpan.FromSeconds(30)); // storage prepares its store in the background; the first vote waits for it, as a probe would
        await using var analyticsToStorage = await RecordingProxy.StartAsync(storage.BaseAddress);
        await using var appToStorage = await RecordingProxy.StartAsync(storage.BaseAddress);
        await using var analytics = await ServiceProcess.StartAsync(ServiceCatalog.Analytics, analyticsVersion, VotingChain.Upstream("STORAGE", analyticsToStorage.Port));
        await using var appToAnalytics = await RecordingProxy.StartAsync(analytics.BaseAddress);
        var appEnvironment = new Dictionary<string, string?>(VotingChain.Upstream("ANALYTICS", appToAnalytics.Port)) { ["FEATUREFLAG"] = "true" };
        foreach (var (key, value) in VotingChain.Upstream("STORAGE", appToStorage.Port)) appEnvironment[key] = value;
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, appVersion, appEnvironment);

        var browserCalls = await BrowseEverythingAsync(app);
        // Storage answers slowly while the crowd votes, so that the votes behind the first surely go together.
        appToStorage.Delay = TimeSpan.FromMilliseconds(300);
        await VoteAtOnceAsync(app);
        appToStorage.Delay = TimeSpan.Zero;

        Assert.Equal(CallGraph.BrowserCalls.ToHashSet(), browserCalls);
        Assert.Equal(Declared(ServiceCatalog.App, ServiceCatalog.Analytics), Recorded(appToAnalytics));
        Assert.Equal(Declared(ServiceCatalog.App, ServiceCatalog.Storage), Recorded(appToStorage));
        Assert.Equal(Declared(ServiceCatalog.Analytics, ServiceCatalog.Storage), Recorded(analyticsToStorage));
        Assert.DoesNotContain(ServiceCatalog.Storage.Name, CallGraph.ServiceCalls.Keys);
    }

    /// <summary>Every path the authorization tests expect to be denied is one the service really serves.</summary>
    [Fact]
    public async Task The_paths_the_policies_deny_are_served()
    {
        var folder = RepositoryPaths.NewTempFolder("served");
        foreach (var service in ServiceCatalog.All)
        {
            var environment = service == ServiceCatalog.Storage
                ? VotingChain.SqliteEnvironment(folder)
                : new Dictionary<string, string?>();
            await using var process = await ServiceProcess.StartAsync(service, service.Versions[^1], environment);
            using var client = process.CreateClient();
            foreach (var path in OperationAuthorizationTests.ServedPaths(service))
            {
                using var response = await client.GetAsync(path);
                Assert.True(response.StatusCode is not (HttpStatusCode.NotFound), $"{service.Name} does not serve {path}");
            }

            if (service == ServiceCatalog.Storage)
            {
                // Storage describes its own Map* endpoints: none may be missing from the paths the tests try.
                var document = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
                var described = document["paths"]!.AsObject().Select(p => p.Key).ToList();
                Assert.Contains("/api/votes", described);
                Assert.All(described, path => Assert.Contains(path, OperationAuthorizationTests.ServedPaths(service)));
            }
        }
    }

    /// <summary>
    /// Why the gateway needs an allow list: Kestrel decodes escapes and routes case-insensitively, so a deny
    /// list of "/metrics" would be bypassed by these; the app serves them.
    /// </summary>
    [Fact]
    public async Task Kestrel_serves_spellings_that_a_deny_list_would_miss()
    {
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0");
        using var client = app.CreateClient();
        foreach (var path in new[] { "/METRICS", "/Metrics", "/%6detrics", "/metrics/", "/HEALTH/READY", "/VERSION" })
        {
            using var response = await client.GetAsync(path);
            // Served, not 404: /health/ready may answer 503 here (the app alone, its neighbours absent).
            Assert.True(response.StatusCode != HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            Assert.Contains(path, OperationAuthorizationTests.RefusedAtTheGateway);
        }
    }

    /// <summary>GET /, then every button of every form on the page (and where each answer redirects), with and without the flag.</summary>
    private static async Task<HashSet<(string Method, string Path)>> BrowseEverythingAsync(ServiceProcess app)
    {
        using var browser = app.CreateClient();
        var calls = new HashSet<(string, string)> { ("GET", "/") };
        foreach (var cookie in new[] { null, "featureflag=on" })
        {
            using var pageRequest = new HttpRequestMessage(HttpMethod.Get, "/");
            if (cookie is not null) pageRequest.Headers.Add("Cookie", cookie);
            using var page = await browser.SendAsync(pageRequest);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            foreach (var (ordinal, form) in FormPattern().Matches(await page.Content.ReadAsStringAsync()).Index())
            {
                var (method, action) = (form.Groups["method"].Value.ToUpperInvariant(), form.Groups["action"].Value);
                calls.Add((method, action));
                var buttons = ButtonPattern().Matches(form.Groups["body"].Value).Select(b => (b.Groups["name"].Value, b.Groups["value"].Value)).ToList();
                foreach (var (name, value) in buttons.Count > 0 ? buttons : [("", "")])
                {
                    // A browser sends the form's hidden fields (the vote token) with the button it clicked, and
                    // each click comes from a page of its own (the 303 leads back to a new page, a new token).
                    var hidden = await HiddenFieldsAsync(browser, cookie, ordinal);
                    // A first vote through a cold chain on a loaded machine can outlast the app's 2 s write
                    // bound (503, "not counted"); which calls are made is the same on the retry.
                    HttpResponseMessage answer;
                    var attempt = 0;
                    do
                    {
                        using var submit = new HttpRequestMessage(new HttpMethod(method), action)
                        {
                            Content = new FormUrlEncodedContent(name.Length > 0 ? [.. hidden, new(name, value)] : hidden),
                        };
                        if (cookie is not null) submit.Headers.Add("Cookie", cookie);
                        answer = await browser.SendAsync(submit);
                    }
                    while (answer.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout && ++attempt < 5);

                    Assert.True(answer.StatusCode == HttpStatusCode.SeeOther,
                        $"{method} {action} {name}={value}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}\n{app.Output}");
                    calls.Add(("GET", answer.Headers.Location!.OriginalString));
                    answer.Dispose();
                }
            }
        }

        return calls;
    }

    /// <summary>A crowd: 24 voters press a vote button at once, each from a page of its own, so that the app sends votes together.</summary>
    private static async Task VoteAtOnceAsync(ServiceProcess app)
    {
        using var browser = app.CreateClient(TimeSpan.FromSeconds(30));
        var pages = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => HiddenFieldsAsync(browser, null, 0)));
        var answers = await Task.WhenAll(pages.Select(async hidden =>
        {
            using var answer = await browser.PostAsync("/", new FormUrlEncodedContent([.. hidden, new("vote", "Cats")]));
            return answer.StatusCode;
        }));
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.SeeOther, status));
    }

    private static async Task<List<KeyValuePair<string, string>>> HiddenFieldsAsync(HttpClient browser, string? cookie, int ordinal)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        using var page = await browser.SendAsync(request);
        var form = FormPattern().Matches(await page.Content.ReadAsStringAsync()).ElementAt(ordinal);
        return VotingPageReader.HiddenFields(form.Groups["body"].Value);
    }

    private static HashSet<(string, string)> Declared(CatalogEntry caller, CatalogEntry callee) =>
        CallGraph.ServiceCalls[caller.Name].Where(c => c.Callee == callee.Name).Select(c => (c.Method, c.Path)).ToHashSet();

    private static HashSet<(string, string)> Recorded(RecordingProxy proxy) => proxy.Requests.Select(r => (r.Method, r.Path)).ToHashSet();

    [GeneratedRegex("""<form[^>]*method="(?<method>[a-z]+)"[^>]*action="(?<action>[^"]+)"[^>]*>(?<body>.*?)</form>""", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex FormPattern();

    [GeneratedRegex("""<button[^>]*name="(?<name>[^"]+)"[^>]*value="(?<value>[^"]*)"[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex ButtonPattern();
}
