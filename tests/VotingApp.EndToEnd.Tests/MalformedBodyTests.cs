using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// Bodies a client broke (a chunk size that is no number or overflows, a body that stops early, one that
/// stalls) are the client's mistake: 400 or 408 with the usual problem details, logged at Debug, counted as
/// 4xx in the request metric (the 5xx a canary's success rate reads does not rise), and nothing counted.
/// Sent over raw sockets: no HTTP client sends them.
/// </summary>
public sealed partial class MalformedBodyTests(SqliteChainFixture fixture) : IClassFixture<SqliteChainFixture>
{
    private VotingChain Chain => fixture.Chain;

    private const string ChunkedHead = "Transfer-Encoding: chunked\r\n\r\n";

    public static TheoryData<string, string, string, int> Broken => new()
    {
        { "app", "chunk size zz", ChunkedHead + "zz\r\nvote=Cats\r\n0\r\n\r\n", 400 },
        { "app", "chunk size ffffffffffffffff", ChunkedHead + "ffffffffffffffff\r\nvote=Cats\r\n0\r\n\r\n", 400 },
        { "app", "a body that stops early", "Content-Length: 100\r\n\r\nvote=Cats", 400 },
        { "app", "a body that stalls", "Content-Length: 100\r\n\r\nvote=Cats", 408 },
        { "storage", "chunk size zz", ChunkedHead + "zz\r\n{\"option\":\"Cats\"}\r\n0\r\n\r\n", 400 },
        { "storage", "a body that stops early", "Content-Length: 100\r\n\r\n{\"option\":", 400 },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task A_broken_body_gets_4xx_problem_details_logged_at_Debug_and_no_5xx(string service, string what, string rest, int expected)
    {
        var (process, path, type) = service == "app"
            ? (Chain.App, "/", "application/x-www-form-urlencoded")
            : (Chain.Storage, "/api/votes", "application/json");
        using var storage = Chain.Storage.CreateClient();
        var before = await storage.GetStringAsync("/api/votes");

        var answer = await SendRawAsync(process.Port, $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {type}\r\n" + rest,
            stopSending: what == "a body that stops early");

        if (what == "a body that stops early" && answer.Length == 0)
        {
            // The client closed its side: Kestrel takes that as the client gone, and there is no one to answer.
        }
        else
        {
            Assert.StartsWith($"HTTP/1.1 {expected} ", answer);
            Assert.Contains("application/problem+json", answer);
            Assert.Contains($"\"status\":{expected}", answer);
            Assert.Contains("\"traceId\":", answer);
        }

        Assert.Equal(before, await storage.GetStringAsync("/api/votes"));
        var metrics = await process.CreateClient().GetStringAsync("/metrics");
        Assert.DoesNotMatch(ServerErrorCount(), metrics);
        Assert.DoesNotContain($"responded {expected}", process.Output);
        Assert.DoesNotContain("HTTP POST / responded 5", process.Output);
        Assert.DoesNotContain("HTTP POST /api/votes responded 5", process.Output);
        Assert.DoesNotContain("BadHttpRequestException", process.Output);
        Assert.DoesNotContain("Bad chunk size", process.Output);
    }

    /// <summary>Sends the request as written and reads the answer until the server closes the connection (at most 60 s).</summary>
    private static async Task<string> SendRawAsync(int port, string request, bool stopSending)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        if (stopSending) socket.Shutdown(SocketShutdown.Send);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (SocketException)
        {
            // A reset after the answer, or instead of one (checked by the caller).
        }

        return answer.ToString();
    }

    [GeneratedRegex("http_server_request_duration_seconds_count\\{[^}]*http_response_status_code=\"5")]
    private static partial Regex ServerErrorCount();
}
