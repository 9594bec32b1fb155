using System.Net;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>
/// What the Gateway API track's mesh routes match, on real Kestrel ports: the app sends x-voting-track with
/// its own version on every call (start-up calls included), whatever a client sent it; analytics forwards
/// the track of the request it serves to storage, and sends none outside a request. A recording proxy
/// stands in front of every callee. Storage keeps the votes in a SQLite file.
/// </summary>
public sealed class TrackHeaderTests
{
    [Theory]
    [InlineData("1.0", "1.1", "2.0")]   // a client claiming 2.0 on the 1.0 chain
    [InlineData("2.0", "2.0", "1.0")]   // and claiming 1.0 on the 2.0 chain
    public async Task The_app_names_its_version_analytics_forwards_it_and_a_clients_own_is_replaced(string appVersion, string analyticsVersion, string claimed)
    {
        var folder = RepositoryPaths.NewTempFolder("track");
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, appVersion,
            VotingChain.SqliteEnvironment(folder));
        await using var analyticsToStorage = await RecordingProxy.StartAsync(storage.BaseAddress);
        await using var appToStorage = await RecordingProxy.StartAsync(storage.BaseAddress);
        await using var analytics = await ServiceProcess.StartAsync(ServiceCatalog.Analytics, analyticsVersion, VotingChain.Upstream("STORAGE", analyticsToStorage.Port));
        await using var appToAnalytics = await RecordingProxy.StartAsync(analytics.BaseAddress);
        var environment = VotingChain.Upstream("ANALYTICS", appToAnalytics.Port);
        foreach (var (key, value) in VotingChain.Upstream("STORAGE", appToStorage.Port)) environment[key] = value;
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, appVersion, environment);

        using var client = app.CreateClient();
        await Eventually.UntilAsync("the page to show results", async () => VotingPageReader.ResultsLine(await client.GetStringAsync("/")),
            line => !line.Contains("unavailable", StringComparison.Ordinal), TimeSpan.FromSeconds(30), () => $"{app.Output}\n{analytics.Output}");

        // Analytics' own start-up read, outside any request, carries no track (the routes' default serves it).
        Assert.Contains(analyticsToStorage.Requests, r => !r.Headers.ContainsKey(VotingTrack.HeaderName));
        var before = analyticsToStorage.Requests.Count;

        foreach (var (method, path) in new[] { ("GET", "/"), ("POST", "/") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            request.Headers.Add(VotingTrack.HeaderName, claimed);
            if (method == "POST") request.Content = new FormUrlEncodedContent([new("vote", "Cats")]);
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.SeeOther, $"{method} {path}: {(int)response.StatusCode}\n{app.Output}");
        }

        // Every call the app made, start-up calls included, names the app's own version; none the client's.
        Assert.NotEmpty(appToAnalytics.Requests);
        Assert.Contains(appToStorage.Requests, r => r.Method == "POST");
        Assert.All(appToAnalytics.Requests.Concat(appToStorage.Requests), r => Assert.Equal(appVersion, r.Headers.GetValueOrDefault(VotingTrack.HeaderName)));
        // Analytics forwarded the app's track on the reads it made for the pages.
        var forwarded = analyticsToStorage.Requests.Skip(before).ToList();
        Assert.NotEmpty(forwarded);
        Assert.All(forwarded, r => Assert.Equal(appVersion, r.Headers.GetValueOrDefault(VotingTrack.HeaderName)));
    }

    /// <summary>Analytics, called directly with a value that is not an app version, sends none on; with an app version, that one.</summary>
    [Fact]
    public async Task Analytics_forwards_only_an_app_version()
    {
        var folder = RepositoryPaths.NewTempFolder("track-analytics");
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0",
            VotingChain.SqliteEnvironment(folder));
        await using var proxy = await RecordingProxy.StartAsync(storage.BaseAddress);
        await using var analytics = await ServiceProcess.StartAsync(ServiceCatalog.Analytics, "1.1", VotingChain.Upstream("STORAGE", proxy.Port));
        using var client = analytics.CreateClient();
        foreach (var (sent, expected) in new[] { ("9.9", (string?)null), ("1.1", null), ("2.0", "2.0"), ("1.0", "1.0") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/analytics");
            request.Headers.Add(VotingTrack.HeaderName, sent);
            var before = 0;
            await Eventually.UntilAsync($"analytics to answer a request with {sent}", async () =>
            {
                before = proxy.Requests.Count;
                using var response = await client.SendAsync(Clone(request));
                return response.StatusCode;
            }, status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), () => analytics.Output);

            var read = proxy.Requests.Skip(before).Last();
            Assert.Equal(expected, read.Headers.GetValueOrDefault(VotingTrack.HeaderName));
        }
    }

    private static HttpRequestMessage Clone(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri);
        foreach (var (name, values) in request.Headers) copy.Headers.TryAddWithoutValidation(name, values);
        return copy;
    }
}
