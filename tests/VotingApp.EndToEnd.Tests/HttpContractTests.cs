using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using VotingApp.ServiceDefaults;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// HTTP as browsers and tools expect, on the real Kestrel processes: HEAD wherever GET, the security
/// headers and no Server header, bodies bounded everywhere with a 413 that says why, urlencoded votes only.
/// Every refused request changes nothing.
/// </summary>
public partial class HttpContractTests(SqliteChainFixture fixture) : IClassFixture<SqliteChainFixture>
{
    private VotingChain Chain => fixture.Chain;

    public static TheoryData<string, string> GetEndpoints => new()
    {
        { "app", "/" }, { "app", "/health/live" }, { "app", "/health/ready" }, { "app", "/version" }, { "app", "/metrics" },
        { "analytics", "/analytics" }, { "analytics", "/health/ready" }, { "analytics", "/version" },
        { "storage", "/api/votes" }, { "storage", "/api/store" }, { "storage", "/health/ready" }, { "storage", "/version" },
        { "storage", "/openapi/v1.json" },
    };

    private ServiceProcess Service(string name) => name switch
    {
        "app" => Chain.App,
        "analytics" => Chain.Analytics,
        _ => Chain.Storage,
    };

    [Theory]
    [MemberData(nameof(GetEndpoints))]
    public async Task HEAD_answers_wherever_GET_does_with_the_headers_and_no_body(string service, string path)
    {
        using var client = Service(service).CreateClient();
        using var get = await client.GetAsync(path);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task HEAD_of_a_POST_only_route_is_405_like_GET()
    {
        using var client = Chain.App.CreateClient();
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/featureflag/set"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, head.StatusCode);
    }

    [Theory]
    [InlineData("app", "/")]
    [InlineData("app", "/no-such-page")]
    [InlineData("app", "/health/live")]
    [InlineData("analytics", "/analytics")]
    [InlineData("storage", "/api/votes")]
    public async Task Every_answer_forbids_sniffing_framing_and_referrers_and_names_no_server(string service, string path)
    {
        using var client = Service(service).CreateClient();
        using var response = await client.GetAsync(path);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.StartsWith("default-src 'none';", policy);
        Assert.DoesNotContain("script-src", policy);
        Assert.False(response.Headers.Contains("Server"), $"Server: {string.Join(",", response.Headers.Server)}");
    }

    [Fact]
    public async Task The_page_allows_its_own_style_by_hash_no_script_and_forms_only_to_itself()
    {
        using var client = Chain.App.CreateClient();
        using var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();

        var style = StyleElement().Match(html).Groups["css"].Value;
        var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style)));
        Assert.Equal(
            $"default-src 'none'; style-src 'sha256-{hash}'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            policy);
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public async Task Oversized_votes_get_413_saying_the_bound_and_change_nothing()
    {
        using var storage = Chain.Storage.CreateClient();
        var before = await storage.GetStringAsync("/api/votes");
        using var app = Chain.App.CreateClient();
        var padding = new string('x', 5000);

        using (var declared = await app.PostAsync("/", new StringContent($"vote=Cats&pad={padding}", Encoding.ASCII, "application/x-www-form-urlencoded")))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
            Assert.Contains($"accepts at most {RequestLimits.MaxBodyBytes}", await declared.Content.ReadAsStringAsync());
        }

        using (var chunked = await app.PostAsync("/", Chunked($"vote=Cats&pad={padding}", "application/x-www-form-urlencoded")))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
            Assert.Contains(RequestLimits.TooLargeDetail, WebUtility.HtmlDecode(await chunked.Content.ReadAsStringAsync()));
        }

        using (var json = await storage.PostAsync("/api/votes", new StringContent($"{{\"option\":\"Cats\",\"pad\":\"{padding}\"}}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, json.StatusCode);
            Assert.Contains($"accepts at most {RequestLimits.MaxBodyBytes}", await json.Content.ReadAsStringAsync());
        }

        using (var chunkedJson = await storage.PostAsync("/api/votes", Chunked($"{{\"option\":\"Cats\",\"pad\":\"{padding}\"}}", "application/json")))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunkedJson.StatusCode);
            Assert.Contains(RequestLimits.TooLargeDetail, await chunkedJson.Content.ReadAsStringAsync());
        }

        Assert.Equal(before, await storage.GetStringAsync("/api/votes"));
    }

    [Fact]
    public async Task A_vote_of_a_few_hundred_bytes_fits_and_is_counted()
    {
        using var storage = Chain.Storage.CreateClient();
        var before = await DogsAsync(storage);
        using var app = Chain.App.CreateClient();
        // vote=Dogs in a form of 600 bytes: room for the token field (a few dozen characters) and more.
        using var vote = await app.PostAsync("/", new FormUrlEncodedContent([new("vote", "Dogs"), new("note", new string('n', 590))]));
        Assert.Equal(HttpStatusCode.SeeOther, vote.StatusCode);
        Assert.Equal(before + 1, await DogsAsync(storage));
    }

    [Fact]
    public async Task Multipart_and_other_media_types_get_415_and_change_nothing()
    {
        using var storage = Chain.Storage.CreateClient();
        var before = await storage.GetStringAsync("/api/votes");
        using var app = Chain.App.CreateClient();

        using var multipart = new MultipartFormDataContent { { new StringContent("Cats"), "vote" } };
        using (var response = await app.PostAsync("/", multipart))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            Assert.Contains("application/x-www-form-urlencoded", await response.Content.ReadAsStringAsync());
        }

        using (var response = await app.PostAsync("/", new StringContent("vote=Cats", Encoding.ASCII, "text/plain")))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        }

        Assert.Equal(before, await storage.GetStringAsync("/api/votes"));
    }

    [Fact]
    public async Task A_form_with_too_many_fields_gets_400_and_changes_nothing()
    {
        using var storage = Chain.Storage.CreateClient();
        var before = await storage.GetStringAsync("/api/votes");
        using var app = Chain.App.CreateClient();
        var fields = Enumerable.Range(0, 20).Select(i => new KeyValuePair<string, string>($"f{i}", "1")).Prepend(new("vote", "Cats"));

        using var response = await app.PostAsync("/", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("too many or too long fields", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await storage.GetStringAsync("/api/votes"));
    }

    /// <summary>A body sent without Content-Length (Transfer-Encoding: chunked), so only the server's own bound can stop it.</summary>
    private static HttpContent Chunked(string body, string mediaType)
    {
        var content = new ChunkedContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        return content;
    }

    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [GeneratedRegex("<style>(?<css>.*?)</style>", RegexOptions.Singleline)]
    private static partial Regex StyleElement();

    /// <summary>Storage's count for Dogs, read from the raw JSON by the names clients use.</summary>
    private static async Task<long> DogsAsync(HttpClient storage) =>
        System.Text.Json.Nodes.JsonNode.Parse(await storage.GetStringAsync("/api/votes"))!["options"]!.AsArray()
            .Single(option => option!["name"]!.GetValue<string>() == "Dogs")!["count"]!.GetValue<long>();
}
