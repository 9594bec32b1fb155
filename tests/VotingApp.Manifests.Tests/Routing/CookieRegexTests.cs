using VotingApp.Manifests.Tests.Yaml;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// The cookie regex of istio step 3b, taken from the YAML, against the Set-Cookie the app really sends
/// from POST /featureflag/set, put into a Cookie header the way a browser sends it among other cookies.
/// </summary>
public sealed class CookieRegexTests
{
    private static string CanaryRegex()
    {
        var service = ManifestFile.Read("istio/step-3b-route-the-featureflag-cookie-to-2.0.yaml").Single(d => d.Key == "VirtualService/voting-app");
        var regexes = service.Json["spec"]!["http"]!.AsArray()
            .SelectMany(route => route!["match"]?.AsArray() ?? [])
            .Select(match => match!["headers"]?["cookie"]?["regex"]?.GetValue<string>())
            .OfType<string>()
            .Distinct()
            .ToList();
        // One regex, repeated for each path of the gateway's allow list.
        return Assert.Single(regexes);
    }

    [Fact]
    public async Task The_cookie_the_app_sets_is_matched_in_any_position()
    {
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", new Dictionary<string, string?> { ["FEATUREFLAG"] = "true" });
        using var client = app.CreateClient();
        var set = await CookiePairAsync(client, "/featureflag/set");
        var cleared = await CookiePairAsync(client, "/featureflag/clear");
        var regex = CanaryRegex();

        // A browser sends "name=value" pairs joined by "; ", in an order of its own.
        foreach (var header in new[] { set, $"session=abc123; {set}", $"{set}; theme=dark", $"a=1; {set}; b=2", $"_ga=GA1.1.1; x=y; {set}" })
        {
            Assert.True(Re2Regex.FullMatch(regex, header), $"'{header}' should reach the canary ({regex})");
        }

        foreach (var header in new[] { cleared, $"a=1; {cleared}; b=2", $"a=1; x{set}; b=2", $"{set}ion", $"a=1; {set}1" })
        {
            Assert.False(Re2Regex.FullMatch(regex, header), $"'{header}' should not reach the canary ({regex})");
        }
    }

    /// <summary>The article's regex fails as soon as the flag is not the first cookie; ours must not.</summary>
    [Fact]
    public void The_articles_regex_would_fail_where_ours_passes()
    {
        const string article = "^(.*?;)?(featureflag=on)(;.*)?$";
        Assert.False(Re2Regex.FullMatch(article, "a=1; featureflag=on; b=2"));
        Assert.True(Re2Regex.FullMatch(CanaryRegex(), "a=1; featureflag=on; b=2"));
    }

    /// <summary>The name=value pair of the Set-Cookie the app answers with: what the browser sends back.</summary>
    private static async Task<string> CookiePairAsync(HttpClient client, string path)
    {
        using var response = await client.PostAsync(path, content: null);
        Assert.Equal(System.Net.HttpStatusCode.SeeOther, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("featureflag=", setCookie, StringComparison.Ordinal);
        return setCookie.Split(';')[0].Trim();
    }
}
