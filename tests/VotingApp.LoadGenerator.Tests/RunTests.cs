using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VotingApp.LoadGenerator.Tests;

/// <summary>
/// Runs the load generator against a real Kestrel on a loopback port that answers like a canary: one
/// page in ten from app 2.0, votes answered 303, and (on /broken) failures.
/// </summary>
public sealed class RunTests : IAsyncLifetime
{
    private WebApplication? _server;
    private long _pages;
    private long _votes;
    private long _withCookie;
    private Uri _base = new("http://127.0.0.1/");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", (HttpContext context) =>
        {
            var n = Interlocked.Increment(ref _pages);
            if (context.Request.Headers.Cookie.ToString().Contains("featureflag=on", StringComparison.Ordinal)) Interlocked.Increment(ref _withCookie);
            context.Response.Headers["x-voting-chain"] = n % 10 == 0 ? "app/2.0 analytics/2.0 storage/2.0" : "app/1.0 analytics/1.1 storage/1.0";
            return Results.Content("<div id=\"results\"> Cats: 1 | Dogs: 2 </div>", "text/html");
        });
        app.MapPost("/", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            if (form["vote"] is not ["Cats" or "Dogs"]) return Results.BadRequest();
            Interlocked.Increment(ref _votes);
            context.Response.Headers["x-voting-chain"] = "app/1.0 storage/1.0";
            context.Response.Headers.Location = "/";
            return Results.StatusCode(StatusCodes.Status303SeeOther);
        });
        app.MapGet("/broken", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        await app.StartAsync();
        _server = app;
        _base = new Uri(app.Urls.Single().TrimEnd('/') + "/");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }

    private LoadSettings Settings(string path = "") => new()
    {
        Url = new Uri(_base, path),
        Connections = 4,
        Duration = TimeSpan.FromSeconds(2),
        ProgressInterval = TimeSpan.FromMilliseconds(500),
    };

    [Fact]
    public async Task Browse_counts_every_page_and_reads_the_version_mix()
    {
        var summary = await new LoadRunner(Settings() with { MaxRequests = 1000, Duration = TimeSpan.Zero }).RunAsync(CancellationToken.None);

        Assert.Equal(1000, summary.Requests);
        Assert.Equal(1000, Interlocked.Read(ref _pages));
        Assert.Equal(1000, summary.StatusCounts["200"]);
        Assert.Equal(0, summary.Errors);
        Assert.True(summary.Passed);
        Assert.Equal(0.9, summary.VersionMix["app"]["1.0"], 2);
        Assert.Equal(0.1, summary.VersionMix["app"]["2.0"], 2);
        Assert.Equal(0.1, summary.VersionMix["storage"]["2.0"], 2);
        Assert.Equal("app 1.0: 90.0%  app 2.0: 10.0%", summary.DescribeMix("app"));
        Assert.True(summary.LatencyMs.P50 > 0 && summary.LatencyMs.P50 <= summary.LatencyMs.P99 && summary.LatencyMs.P99 <= summary.LatencyMs.Max);
    }

    [Fact]
    public async Task Votes_answered_303_are_successes_and_a_mix_sends_both()
    {
        var votes = await new LoadRunner(Settings() with { Mode = LoadMode.Vote, MaxRequests = 300, Duration = TimeSpan.Zero }).RunAsync(CancellationToken.None);
        Assert.Equal(300, votes.StatusCounts["303"]);
        Assert.Equal(300, Interlocked.Read(ref _votes));
        Assert.True(votes.Passed);

        var mix = await new LoadRunner(Settings() with { Mode = LoadMode.Mix, VoteRatio = 0.5, MaxRequests = 1000, Duration = TimeSpan.Zero })
            .RunAsync(CancellationToken.None);
        Assert.Equal(1000, mix.BrowseRequests + mix.VoteRequests);
        Assert.InRange(mix.VoteRequests, 350, 650);
    }

    [Fact]
    public async Task A_share_of_the_users_carries_the_cookie()
    {
        var summary = await new LoadRunner(Settings() with { CookieHeader = "featureflag=on", CookieShare = 0.25, MaxRequests = 2000, Duration = TimeSpan.Zero })
            .RunAsync(CancellationToken.None);
        Assert.Equal(2000, summary.Requests);
        Assert.InRange(Interlocked.Read(ref _withCookie), 350, 650);
    }

    [Fact]
    public async Task The_open_model_sends_at_the_rate_asked_for()
    {
        // A closed-loop run first, so that the server's first (JIT-compiling) answers do not delay the timed one.
        await new LoadRunner(Settings() with { MaxRequests = 2000, Duration = TimeSpan.Zero }).RunAsync(CancellationToken.None);
        var summary = await new LoadRunner(Settings() with { Rate = 200, Duration = TimeSpan.FromSeconds(2) }).RunAsync(CancellationToken.None);
        // 200 requests/s for 2 s: about 400, far fewer than the thousands the closed loop manages.
        Assert.InRange(summary.Requests, 330, 420);
        Assert.Equal("open", summary.Model);
    }

    [Fact]
    public async Task Too_many_errors_fail_the_run_and_the_json_says_so()
    {
        var json = Path.Combine(Path.GetTempPath(), $"loadgen-{Guid.NewGuid():N}.json");
        try
        {
            var exit = await LoadGeneratorCommand.RunAsync(Settings("broken") with { Duration = TimeSpan.FromSeconds(1), JsonPath = json, Quiet = true },
                CancellationToken.None);
            Assert.Equal(LoadGeneratorCommand.ExitTooManyErrors, exit);
            var text = await File.ReadAllTextAsync(json);
            Assert.Contains("\"passed\": false", text, StringComparison.Ordinal);
            Assert.Contains("\"503\":", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public async Task Nothing_listening_is_an_error_not_a_hang()
    {
        var port = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        port.Start();
        var free = ((IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        var summary = await new LoadRunner(Settings() with { Url = new Uri($"http://127.0.0.1:{free}/"), Duration = TimeSpan.FromSeconds(1) })
            .RunAsync(CancellationToken.None);
        Assert.True(summary.Errors > 0);
        Assert.Equal(summary.Requests, summary.Errors);
        Assert.True(summary.StatusCounts.ContainsKey("connection refused"));
        Assert.False(summary.Passed);
    }
}
