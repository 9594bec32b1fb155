using System.Net;
using System.Text.Json;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// Nothing a client sends can forge or flood the log: a vote value or a path with CR/LF stays inside its
/// own event (escaped), an 8 KB path is cut, an x-request-id that is not one is dropped, in the text and
/// the JSON format alike; routine 404s and 405s are not Warnings. Read from the real process's whole log.
/// </summary>
public class LogSafetyTests
{
    /// <summary>Short enough to be echoed whole (a vote value is cut at 64 characters); no slash (a path keeps %2F).</summary>
    private const string Forged = "[00:00:00 ERR] FORGED";

    private static readonly int DeadPort = FreePort.Dead;

    private static Dictionary<string, string?> Settings(string format, string? requestLogLevel)
    {
        var settings = VotingChain.AppUpstreams(DeadPort, DeadPort);
        settings["LOG_FORMAT"] = format;
        settings["Logging__LogLevel__VotingApp.RequestLog"] = requestLogLevel;
        return settings;
    }

    [Theory]
    [InlineData("text")]
    [InlineData("json")]
    public async Task Values_from_requests_are_escaped_and_cut_in_every_format(string format)
    {
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Settings(format, "Debug"));
        var longPath = "/" + new string('p', 7000);
        var badIds = new[] { new string('r', 300), "<script>alert(1)</script>" };
        using (var client = app.CreateClient())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/a%0D%0A" + Uri.EscapeDataString(Forged) + "-PATH")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(longPath)).StatusCode);
            Assert.Equal(400, await VotingPageReader.VoteAsync(client, "Cats\r\n" + Forged + "-VOTE"));
            foreach (var id in badIds)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent([new("vote", "Birds")]) };
                request.Headers.TryAddWithoutValidation("x-request-id", id);
                Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request)).StatusCode);
            }
        }

        Assert.True(await app.TerminateAsync(TimeSpan.FromSeconds(15)), app.Output);
        var lines = app.Output.Split('\n');
        Assert.DoesNotContain(lines, line => line.TrimStart().StartsWith("[00:00:00", StringComparison.Ordinal));
        // The escape as the format writes it: \r\n in text, the same characters JSON-escaped in JSON.
        var escapedBreak = format == "json" ? @"\\r\\n" : @"\r\n";
        Assert.Contains(escapedBreak + Forged + "-PATH", app.Output);
        Assert.Contains(escapedBreak + Forged + "-VOTE", app.Output);
        Assert.DoesNotContain(new string('p', LogValue.MaxPathLength + 1), app.Output);
        Assert.Contains($"…({longPath.Length} chars)", app.Output);
        foreach (var id in badIds) Assert.DoesNotContain(id, app.Output);
        if (format == "json")
        {
            foreach (var line in lines.Where(line => line.Trim().Length > 0))
            {
                using var json = JsonDocument.Parse(line);
                Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
            }
        }
    }

    [Fact]
    public async Task A_sane_x_request_id_is_kept_and_logged()
    {
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Settings("text", null));
        using (var client = app.CreateClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent([new("vote", "Birds")]) };
            request.Headers.Add("x-request-id", "3f1c2a9e-7b1d-4c55-9a0e-1f2d3c4b5a69");
            Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(request)).StatusCode);
        }

        await app.AssertLoggedAsync("responded 400 in");
        await app.AssertLoggedAsync("(x-request-id 3f1c2a9e-7b1d-4c55-9a0e-1f2d3c4b5a69)");
    }

    [Fact]
    public async Task Routine_404s_and_405s_are_not_warnings()
    {
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", Settings("text", null));
        using (var client = app.CreateClient())
        {
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/wp-admin/{i}/" + new string('x', 4000))).StatusCode);
            }

            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await client.DeleteAsync("/")).StatusCode);
            Assert.Equal(400, await VotingPageReader.VoteAsync(client, "Birds"));
        }

        Assert.True(await app.TerminateAsync(TimeSpan.FromSeconds(15)), app.Output);
        Assert.Contains("WRN] voting-app/1.0 VotingApp.RequestLog: HTTP POST / responded 400", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("responded 404", app.Output);
        Assert.DoesNotContain("responded 405", app.Output);
        Assert.DoesNotContain("wp-admin", app.Output);
    }
}
