using System.Net;
using System.Text.RegularExpressions;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// One client cannot take the page away from everyone: over its budget a client gets 429 with Retry-After
/// while other clients (told apart by what the gateway forwards) are served; past the concurrency bound
/// everyone gets 429 at once rather than a queue; the probes are never limited; a flood is one log line.
/// </summary>
[Collection(TimingCollection.Name)]
public partial class RateLimitTests
{
    private static readonly int DeadPort = FreePort.Dead;

    private static Dictionary<string, string?> Settings(int analyticsPort, params (string Key, string Value)[] limits)
    {
        var settings = VotingChain.AppUpstreams(analyticsPort, DeadPort);
        foreach (var (key, value) in limits) settings[key] = value;
        return settings;
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string header, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(header, value);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Forwarded_addresses_from_an_undeclared_proxy_do_not_escape_the_clients_budget()
    {
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Settings(DeadPort,
            (RateLimitSettings.ClientRequestsKey, "20"), (RateLimitSettings.ClientWindowKey, "60")));
        using var client = app.CreateClient();
        var random = new Random(21);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            var address = $"{random.Next(1, 224)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}";
            using var response = await GetAsync(client, "/version", i % 2 == 0 ? "X-Forwarded-For" : "x-envoy-external-address", address);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(20, statuses.Count(status => status == HttpStatusCode.OK));
        Assert.Equal(180, statuses.Count(status => status == HttpStatusCode.TooManyRequests));
        Assert.True(await app.TerminateAsync(TimeSpan.FromSeconds(15)), app.Output);
        Assert.Single(Throttled().Matches(app.Output), m => m.Groups["client"].Value == "127.0.0.1");
    }

    [Fact]
    public async Task Past_ten_thousand_clients_in_a_window_new_addresses_share_one_budget()
    {
        const int clients = 10_000, more = 50;
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Settings(DeadPort,
            (RateLimitSettings.ClientRequestsKey, "1"), (RateLimitSettings.ClientWindowKey, "600"), (ForwardedClient.KnownProxiesKey, "127.0.0.1")));
        var served = 0;
        var refused = 0;
        using var client = app.CreateClient(TimeSpan.FromSeconds(60));
        await Parallel.ForEachAsync(Enumerable.Range(0, clients + more), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            using var response = await GetAsync(client, "/version", "X-Forwarded-For", $"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}");
            Interlocked.Increment(ref response.StatusCode == HttpStatusCode.OK ? ref served : ref refused);
        });

        // Every address sent one request: the first ten thousand had a budget each, the rest one between them.
        Assert.Equal(clients + 1, served);
        Assert.Equal(more - 1, refused);
    }

    [Fact]
    public async Task A_client_over_its_budget_gets_429_with_Retry_After_other_clients_do_not_and_the_flood_is_logged_once()
    {
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Settings(DeadPort,
            (RateLimitSettings.ClientRequestsKey, "5"), (RateLimitSettings.ClientWindowKey, "60"), (ForwardedClient.KnownProxiesKey, "127.0.0.1")));
        using var client = app.CreateClient();
        const string external = "X-Forwarded-For";

        for (var i = 0; i < 5; i++)
        {
            using var ok = await GetAsync(client, "/version", external, "203.0.113.7");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var refused = await GetAsync(client, "/version", external, "203.0.113.7"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single()), 1, 60);
            Assert.Contains("Too many requests from your address", await refused.Content.ReadAsStringAsync());
        }

        // A vote from the throttled client is refused before it reaches the vote handler; another client votes.
        using (var vote = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent([new("vote", "reset")]) })
        {
            vote.Headers.Add(external, "203.0.113.7");
            using var refusedVote = await client.SendAsync(vote);
            Assert.Equal(HttpStatusCode.TooManyRequests, refusedVote.StatusCode);
        }

        using (var other = await GetAsync(client, "/version", external, "203.0.113.8"))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        // The right-most X-Forwarded-For entry (what the declared proxy appended) names the client; a
        // left-most entry the client wrote itself does not.
        for (var i = 0; i < 5; i++)
        {
            (await GetAsync(client, "/version", "X-Forwarded-For", "198.51.100.1, 203.0.113.9")).Dispose();
        }

        using (var forwarded = await GetAsync(client, "/version", "X-Forwarded-For", "203.0.113.10, 203.0.113.9"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, forwarded.StatusCode);
        }

        using (var forged = await GetAsync(client, "/version", "X-Forwarded-For", "203.0.113.9, 203.0.113.11"))
        {
            Assert.Equal(HttpStatusCode.OK, forged.StatusCode);
        }

        // The probes are never limited; a flood of 40 more refusals adds no log line.
        for (var i = 0; i < 40; i++)
        {
            using var probe = await GetAsync(client, "/health/live", external, "203.0.113.7");
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
            (await GetAsync(client, "/", external, "203.0.113.7")).Dispose();
        }

        Assert.True(await app.TerminateAsync(TimeSpan.FromSeconds(15)), app.Output);
        Assert.Single(Throttled().Matches(app.Output), m => m.Groups["client"].Value == "203.0.113.7");
        Assert.Single(Throttled().Matches(app.Output), m => m.Groups["client"].Value == "203.0.113.9");
        Assert.DoesNotContain("responded 429", app.Output);
    }

    [Fact]
    public async Task Past_the_concurrency_bound_everyone_gets_429_at_once_and_the_probes_still_answer()
    {
        await using var hole = new BlackHoleServer();
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Settings(hole.Port,
            (RateLimitSettings.ConcurrentKey, "1")));
        using var client = app.CreateClient();

        // The page waits on the hung analytics (about 1.7 s) and holds the only permit meanwhile: once its call
        // has reached the black hole, the permit is surely taken.
        using var pageRequest = new HttpRequestMessage(HttpMethod.Get, "/");
        pageRequest.Headers.Add("x-request-id", "held-page");
        var page = client.SendAsync(pageRequest);
        await hole.WaitForAsync("held-page", TimeSpan.FromSeconds(10));
        using (var busy = await client.GetAsync("/version"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, busy.StatusCode);
            Assert.Equal("1", busy.Headers.GetValues("Retry-After").Single());
            Assert.Contains("The service is busy", await busy.Content.ReadAsStringAsync());
        }

        using (var probe = await client.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
        }

        using (var served = await page)
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        using var after = await client.GetAsync("/version");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        await app.AssertLoggedAsync("Throttling all clients: too many requests in progress at once");
    }

    [Theory]
    [InlineData(RateLimitSettings.ClientRequestsKey, "0")]
    [InlineData(RateLimitSettings.ClientRequestsKey, "lots")]
    [InlineData(RateLimitSettings.ClientWindowKey, "-1")]
    [InlineData(RateLimitSettings.ConcurrentKey, "1.5")]
    public Task A_setting_that_is_not_a_count_stops_the_service_naming_it(string key, string value) =>
        ServiceProcess.AssertRefusesToStartAsync(ServiceCatalog.App, "1.0", key, value, $"{key}='{value}' is not a whole number from");

    [GeneratedRegex(@"Throttling (?<client>[0-9.]+): over its request budget")]
    private static partial Regex Throttled();
}
