using System.Net;
using VotingApp.Testing;

namespace VotingApp.App.Tests;

/// <summary>
/// The voting-track cookie that keeps a visitor on the version a weighted route sent them to (the Gateway
/// API track's step 3c): set on pages to this app's version, only when the visitor's differs; a redirect
/// (vote, feature-flag button) keeps its one Set-Cookie, the page it leads to sets the track.
/// </summary>
public class TrackCookieTests
{
    private static InMemoryService<Program> Factory(string version) => AppFactory.WithUpstreamsDown(("VOTING_VERSION", version), ("FEATUREFLAG", "true"));

    [Theory]
    [InlineData("1.0")]
    [InlineData("2.0")]
    public async Task A_page_sets_the_apps_own_version_and_a_redirect_leaves_it_to_the_page(string version)
    {
        await using var factory = Factory(version);
        using var client = factory.CreateNonRedirectingClient();
        using var page = await Send(client, HttpMethod.Get, "/", "voting-track=9.9; featureflag=on");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"voting-track={version}; path=/; samesite=lax; httponly", TrackCookies(page));
        using var redirect = await Send(client, HttpMethod.Post, "/featureflag/set", null);
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        Assert.Empty(TrackCookies(redirect));
    }

    [Fact]
    public async Task A_visitor_who_has_it_gets_no_new_one_and_the_health_endpoints_none()
    {
        await using var factory = Factory("2.0");
        using var client = factory.CreateNonRedirectingClient();
        using var page = await Send(client, HttpMethod.Get, "/", "a=1; voting-track=2.0");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Empty(TrackCookies(page));
        using var live = await Send(client, HttpMethod.Get, "/health/live", null);
        Assert.Empty(TrackCookies(live));
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, string? cookie)
    {
        var request = new HttpRequestMessage(method, path);
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        return client.SendAsync(request);
    }

    private static List<string> TrackCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Where(v => v.StartsWith(TrackCookie.Name + "=", StringComparison.Ordinal)).ToList() : [];
}
