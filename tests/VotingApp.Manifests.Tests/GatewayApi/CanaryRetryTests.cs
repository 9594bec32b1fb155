using System.Net;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>
/// During the weighted canary (gateway-api step 3c) a vote sent again from the "not confirmed" page reaches the
/// app version whose page issued its token, so the store that may have counted it (tokens are per store): the
/// real app of each version serves the page (its track cookie and token) and the 504 page (its resend form),
/// and the step's routes, computed from the YAML, take the resend with the cookies a browser then holds.
/// </summary>
public sealed class CanaryRetryTests
{
    [Theory]
    [MemberData(nameof(GatewayRoutingTests.Modes), MemberType = typeof(GatewayRoutingTests))]
    public async Task A_vote_sent_again_reaches_the_version_that_issued_its_token(string mode)
    {
        var graph = GatewayRoutingTests.Graph(mode, GatewayApiTrack.IndexOf("gateway-api/step-3c-send-a-tenth-of-new-visitors-to-2.0.yaml") + 1);
        await using var hole = new BlackHoleServer(); // analytics and storage that never answer: every vote is "not confirmed"
        foreach (var version in new[] { "1.0", "2.0" })
        {
            await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, version, VotingChain.AppUpstreams(hole.Port, hole.Port));
            using var browser = app.CreateClient(TimeSpan.FromSeconds(30));
            var jar = new Dictionary<string, string>();

            using var page = await browser.GetAsync("/");
            Keep(jar, page);
            var token = Assert.Single(VotingPageReader.VoteTokens(await page.Content.ReadAsStringAsync()));
            using var vote = new HttpRequestMessage(HttpMethod.Post, "/") { Content = VotingPageReader.VoteForm("Cats", token) };
            vote.Headers.Add("Cookie", Header(jar));
            using var notConfirmed = await browser.SendAsync(vote);
            Assert.Equal(HttpStatusCode.GatewayTimeout, notConfirmed.StatusCode);
            Assert.Equal([token], VotingPageReader.VoteTokens(await notConfirmed.Content.ReadAsStringAsync()));
            Keep(jar, notConfirmed);

            Assert.Equal([$"app/{version} storage/{version}"], graph.VoteChains(Header(jar)).Keys);
        }
    }

    /// <summary>What a browser keeps of Set-Cookie: each cookie's name and value.</summary>
    private static void Keep(Dictionary<string, string> jar, HttpResponseMessage response)
    {
        foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = cookie.Split(';')[0].Split('=', 2);
            jar[pair[0].Trim()] = pair[1].Trim();
        }
    }

    private static string Header(Dictionary<string, string> jar) => string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}"));
}
