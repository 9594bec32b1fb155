using System.Net;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// What a proxy forwards (X-Forwarded-For, X-Forwarded-Proto) is believed only from a proxy the operator
/// declared in KNOWN_PROXIES: then the client's address keys its budget and names it in the log, and a page
/// that reached the proxy over HTTPS gets Secure cookies; from anyone else the headers change nothing.
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class ForwardedClientTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] extra)
    {
        var settings = VotingChain.AppUpstreams(FreePort.Dead, FreePort.Dead);
        settings["FEATUREFLAG"] = "true";
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    private static async Task<List<string>> CookiesAsync(HttpClient client, HttpMethod method, string path, string? proto)
    {
        using var request = new HttpRequestMessage(method, path);
        if (proto is not null) request.Headers.Add("X-Forwarded-Proto", proto);
        using var response = await client.SendAsync(request);
        return response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies.ToList() : [];
    }

    [Fact]
    public async Task Cookies_are_Secure_when_a_declared_proxy_says_the_request_came_over_HTTPS()
    {
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Settings((ForwardedClient.KnownProxiesKey, "127.0.0.1")));
        using var client = app.CreateClient();

        var https = await CookiesAsync(client, HttpMethod.Get, "/", "https");
        Assert.Contains(https, cookie => cookie.StartsWith("voting-track=1.0;", StringComparison.Ordinal) && cookie.Contains("; secure", StringComparison.Ordinal));
        Assert.All(await CookiesAsync(client, HttpMethod.Post, "/featureflag/set", "https"), cookie => Assert.Contains("; secure", cookie));
        Assert.All(await CookiesAsync(client, HttpMethod.Get, "/", "http"), cookie => Assert.DoesNotContain("; secure", cookie));
        Assert.All(await CookiesAsync(client, HttpMethod.Get, "/", null), cookie => Assert.DoesNotContain("; secure", cookie));
    }

    [Fact]
    public async Task X_Forwarded_Proto_from_an_undeclared_address_changes_nothing()
    {
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Settings());
        using var client = app.CreateClient();

        var cookies = await CookiesAsync(client, HttpMethod.Get, "/", "https");
        Assert.NotEmpty(cookies);
        Assert.All(cookies, cookie => Assert.DoesNotContain("; secure", cookie));
    }

    [Fact]
    public async Task A_reset_is_logged_with_the_client_address_the_declared_proxy_forwarded()
    {
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Settings((ForwardedClient.KnownProxiesKey, "127.0.0.0/8")));
        using var client = app.CreateClient();
        var token = VotingPageReader.VoteTokens(await client.GetStringAsync("/")).Single();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = VotingPageReader.VoteForm(Ballot.ResetValue, token) };
        request.Headers.Add("X-Forwarded-For", "198.51.100.1, 203.0.113.50");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await app.AssertLoggedAsync("Reset of all votes requested by 203.0.113.50");
    }

    [Theory]
    [InlineData("127.0.0.1,10.0.0.0/8,::1", "")]
    [InlineData("not-an-address", "'not-an-address'")]
    [InlineData("10.0.0.0/40", "'10.0.0.0/40'")]
    public async Task KNOWN_PROXIES_takes_addresses_and_networks_and_refuses_anything_else(string value, string named)
    {
        if (named.Length == 0)
        {
            await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Settings((ForwardedClient.KnownProxiesKey, value)));
            using var client = app.CreateClient();
            using var live = await client.GetAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
            return;
        }

        await ServiceProcess.AssertRefusesToStartAsync(ServiceCatalog.App, "1.0", ForwardedClient.KnownProxiesKey, value,
            $"{ForwardedClient.KnownProxiesKey} entry {named} is not an IP address or a network");
    }
}
