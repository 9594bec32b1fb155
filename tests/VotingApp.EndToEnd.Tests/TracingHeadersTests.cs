using System.Text.RegularExpressions;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// The headers Istio needs reach storage unchanged through both paths (app → analytics → storage for a
/// page, app → storage for a vote), seen by a pass-through proxy in front of the real storage. Which headers
/// must arrive is what the README promises, not the implementation's own list (a header dropped there would
/// be dropped from the test too).
/// </summary>
[Collection(DatabaseCollection.Name)]
public sealed class TracingHeadersTests(DatabaseServers servers) : IAsyncLifetime
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static readonly Dictionary<string, string> Sent = new()
    {
        ["x-request-id"] = "c0ffee00-1111-2222-3333-444455556666",
        ["x-b3-traceid"] = "80f198ee56343ba864fe8b2a57d3eff7",
        ["x-b3-spanid"] = "e457b5a2e4d86bd1",
        ["x-b3-parentspanid"] = "05e3ac9a4f6e3b90",
        ["x-b3-sampled"] = "1",
        ["x-b3-flags"] = "0",
        ["x-ot-span-context"] = "80f198ee56343ba864fe8b2a57d3eff7;e457b5a2e4d86bd1;05e3ac9a4f6e3b90;cs",
        ["traceparent"] = $"00-{TraceId}-00f067aa0ba902b7-01",
        ["tracestate"] = "congo=t61rcWkgMzE",
    };

    /// <summary>
    /// The headers the README says are forwarded, each of <see cref="Sent"/> (Istio's list) that one of its names
    /// matches: "x-b3-*" stands for every B3 header.
    /// </summary>
    private static readonly IReadOnlyList<string> Promised = PromisedByReadme();

    private ServiceProcess _storage = null!;
    private RecordingProxy _proxy = null!;
    private ServiceProcess _analytics = null!;
    private ServiceProcess _app = null!;

    public async Task InitializeAsync()
    {
        _storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", servers.StoreEnvironment("1.0"));
        _proxy = await RecordingProxy.StartAsync(_storage.BaseAddress);
        var viaProxy = new Dictionary<string, string?> { ["STORAGE_HOST"] = "127.0.0.1", ["STORAGE_PORT"] = _proxy.Port.ToString() };
        _analytics = await ServiceProcess.StartAsync(ServiceCatalog.Analytics, "1.1", viaProxy);
        _app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", new Dictionary<string, string?>(viaProxy)
        {
            ["ANALYTICS_HOST"] = "127.0.0.1",
            ["ANALYTICS_PORT"] = _analytics.Port.ToString(),
        });
        // The start-up warm-up calls (no tracing headers) pass the proxy too: the tests read the last
        // request of a kind, so they begin once both callers' warm-ups are over.
        await _analytics.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        await _app.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("GET", "/api/votes")]
    [InlineData("POST", "/api/votes")]
    public async Task Every_tracing_header_arrives_at_storage(string method, string storagePath)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/");
        if (method == "POST") request.Content = new FormUrlEncodedContent([new("vote", "Cats")]);
        foreach (var (name, value) in Sent) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode || (int)response.StatusCode == 303, $"app answered {(int)response.StatusCode}");

        var received = _proxy.Requests.Last(r => r.Method == method && r.Path == storagePath).Headers;
        foreach (var name in Promised.Where(name => name != "traceparent"))
        {
            Assert.Equal(Sent[name], received.GetValueOrDefault(name));
        }

        // W3C context continues the same trace, with the calling service's span as the parent.
        Assert.Matches($"^00-{TraceId}-[0-9a-f]{{16}}-01$", received["traceparent"]);
    }

    [Theory]
    [InlineData("GET", "/api/votes")]
    [InlineData("POST", "/api/votes")]
    public async Task An_unsampled_trace_stays_unsampled(string method, string storagePath)
    {
        // Istio (or the caller) decided not to sample this trace: no hop may turn the flag back on, or every
        // service behind it would record and export what the sampler chose to drop.
        const string unsampledTrace = "0af7651916cd43dd8448eb211c80319c";
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/");
        if (method == "POST") request.Content = new FormUrlEncodedContent([new("vote", "Dogs")]);
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{unsampledTrace}-b7ad6b7169203331-00");
        using var response = await client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode || (int)response.StatusCode == 303, $"app answered {(int)response.StatusCode}");

        var received = _proxy.Requests.Last(r => r.Method == method && r.Path == storagePath).Headers;
        Assert.Matches($"^00-{unsampledTrace}-[0-9a-f]{{16}}-00$", received["traceparent"]);
    }

    [Fact]
    public async Task Absent_or_empty_headers_are_not_invented()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("x-b3-flags", "");
        request.Headers.TryAddWithoutValidation("x-request-id", "only-this-one");
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();

        var received = _proxy.Requests.Last(r => r.Path == "/api/votes").Headers;
        Assert.Equal("only-this-one", received["x-request-id"]);
        // traceparent is the service's own span (it traces every request); the others come from the caller only.
        foreach (var name in Promised.Where(n => n is not ("x-request-id" or "traceparent")))
        {
            Assert.False(received.ContainsKey(name), $"{name} was forwarded although the request did not carry it");
        }
    }

    /// <summary>The README's list and Istio's are the same: none missing, none the test would not send.</summary>
    [Fact]
    public void The_README_names_every_header_Istio_needs()
    {
        Assert.Equal(Sent.Keys.Order(StringComparer.Ordinal), Promised.Order(StringComparer.Ordinal));
        Assert.All(ReadmeNames(), name => Assert.Contains(Sent.Keys, header => Matches(name, header)));
    }

    private static List<string> PromisedByReadme() =>
        Sent.Keys.Where(header => ReadmeNames().Any(name => Matches(name, header))).ToList();

    private static bool Matches(string readmeName, string header) =>
        readmeName.EndsWith('*') ? header.StartsWith(readmeName[..^1], StringComparison.Ordinal) : header == readmeName;

    /// <summary>The backticked names in the README's "forwards the tracing headers Istio needs (…)".</summary>
    private static List<string> ReadmeNames()
    {
        var readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));
        var sentence = Regex.Match(readme, @"forwards the tracing headers Istio needs \(([^)]*)\)");
        Assert.True(sentence.Success, "README.md no longer says which tracing headers are forwarded");
        return Regex.Matches(sentence.Groups[1].Value, "`([^`]+)`").Select(match => match.Groups[1].Value).ToList();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _analytics.DisposeAsync();
        await _proxy.DisposeAsync();
        await _storage.DisposeAsync();
    }
}
