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
        // A canary that fails one answer in two: its own success rate must show it, the stable one's not.
        app.MapGet("/canary", (HttpContext context) =>
        {
            var n = Interlocked.Increment(ref _pages);
            var canary = n % 4 == 0;
            context.Response.Headers["x-voting-chain"] = canary ? "app/2.0 analytics/2.0 storage/2.0" : "app/1.0 analytics/1.1 storage/1.0";
            return canary && n % 8 == 0 ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Content("ok", "text/html");
        });
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
        // 200 requests/s for 2 s: at most about 400 (a loaded machine may send fewer, never more), far fewer
        // than the thousands the closed loop manages.
        Assert.InRange(summary.Requests, 200, 420);
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
        var summary = await new LoadRunner(Settings() with { Url = new Uri($"http://127.0.0.1:{FreePort()}/"), Duration = TimeSpan.FromSeconds(1) })
            .RunAsync(CancellationToken.None);
        Assert.True(summary.Errors > 0);
        Assert.Equal(summary.Requests, summary.Errors);
        Assert.True(summary.StatusCounts.ContainsKey("connection refused"));
        Assert.False(summary.Passed);
    }

    [Fact]
    public async Task Each_chain_of_versions_gets_its_own_success_rate_and_percentiles()
    {
        var summary = await new LoadRunner(Settings("canary") with { MaxRequests = 2000, Duration = TimeSpan.Zero }).RunAsync(CancellationToken.None);

        var stable = Assert.Single(summary.Chains, chain => chain.Chain == "app/1.0 analytics/1.1 storage/1.0");
        var canary = Assert.Single(summary.Chains, chain => chain.Chain == "app/2.0 analytics/2.0 storage/2.0");
        Assert.Equal(2000, stable.Requests + canary.Requests);
        Assert.Equal(1500, stable.Requests);
        Assert.Equal(100, stable.SuccessPercent);
        Assert.Equal(250, canary.Errors);
        Assert.Equal(50, canary.SuccessPercent);
        Assert.True(canary.P50 > 0 && canary.P50 <= canary.P99);
    }

    [Fact]
    public async Task The_report_is_one_html_file_with_a_chart_per_chain()
    {
        var report = Path.Combine(Path.GetTempPath(), $"loadgen-{Guid.NewGuid():N}.html");
        try
        {
            var exit = await LoadGeneratorCommand.RunAsync(Settings() with { Duration = TimeSpan.FromSeconds(2), ProgressInterval = TimeSpan.FromMilliseconds(250), ReportPath = report, Quiet = true },
                CancellationToken.None);
            Assert.Equal(0, exit);
            var html = await File.ReadAllTextAsync(report);
            Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
            Assert.Contains("<td><span style=\"color:#1f6feb\">&#9632;</span> app/1.0 analytics/1.1 storage/1.0</td>", html, StringComparison.Ordinal);
            Assert.Contains("app/2.0 analytics/2.0 storage/2.0", html, StringComparison.Ordinal);
            // A line per chain and percentile, with a point per interval: over time, not one figure.
            var lines = System.Text.RegularExpressions.Regex.Matches(html, "<polyline [^>]*points=\"([^\"]*)\"");
            Assert.Equal(4, lines.Count);
            Assert.All(lines, line => Assert.True(line.Groups[1].Value.Split(' ').Length >= 4, line.Value));
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch("(src|href)=", html); // self-contained
        }
        finally
        {
            File.Delete(report);
        }
    }

    [Fact]
    public async Task A_share_without_a_cookie_sends_the_feature_flag_cookie()
    {
        var exit = await LoadGeneratorCommand.Create()
            .Parse(["--url", _base.ToString(), "--cookie-share", "0.25", "--requests", "2000", "--duration", "0", "--quiet"]).InvokeAsync();
        Assert.Equal(0, exit);
        Assert.Equal(2000 + 1, Interlocked.Read(ref _pages)); // and the one GET that checks something answers
        Assert.InRange(Interlocked.Read(ref _withCookie), 350, 650);
    }

    [Fact]
    public async Task Nothing_listening_stops_at_once_rather_than_for_the_whole_duration()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var exit = await LoadGeneratorCommand.RunAsync(Settings() with { Url = new Uri($"http://127.0.0.1:{FreePort()}/"), Duration = TimeSpan.FromMinutes(2) },
            CancellationToken.None);
        Assert.Equal(LoadGeneratorCommand.ExitNotReady, exit);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task With_max_errors_100_nothing_listening_is_counted_not_refused()
    {
        // Flagger's load webhooks (flagger/canaries.yaml) pass --max-errors 100: errors are expected there.
        var exit = await LoadGeneratorCommand.RunAsync(Settings() with
        {
            Url = new Uri($"http://127.0.0.1:{FreePort()}/"), Duration = TimeSpan.FromSeconds(1), MaxErrorsPercent = 100,
        }, CancellationToken.None);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task The_progress_line_names_the_failure_as_it_happens()
    {
        var progress = new StringWriter();
        await new LoadRunner(Settings() with { Url = new Uri($"http://127.0.0.1:{FreePort()}/"), Duration = TimeSpan.FromSeconds(1), ProgressInterval = TimeSpan.FromMilliseconds(250) }, progress)
            .RunAsync(CancellationToken.None);
        var first = progress.ToString().Split('\n')[0];
        Assert.Contains("(100.00%: connection refused)", first, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        var port = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        port.Start();
        var free = ((IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        return free;
    }
}
