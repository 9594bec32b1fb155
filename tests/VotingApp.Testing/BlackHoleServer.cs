using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace VotingApp.Testing;

/// <summary>
/// An upstream that hangs: it accepts every connection on 127.0.0.1, reads what is sent and never answers
/// (a stopped process behind a live socket, a full accept queue, a dropped route: every outage that is not
/// a refused connection). It records each request's line and x-request-id, with when it arrived, so that
/// a test sees how often and how far apart a service tried.
/// </summary>
public sealed class BlackHoleServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<TcpClient> _connections = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task _accepting;

    public BlackHoleServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(backlog: 512);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = LoopbackWebHost.AcceptAsync(_listener, connection =>
        {
            _connections.Add(connection);
            _ = RecordAsync(connection);
        }, _stop.Token);
    }

    public int Port { get; }

    /// <summary>Every request received: its request line ("GET /analytics HTTP/1.1"), x-request-id (or "") and arrival time.</summary>
    public ConcurrentQueue<(string RequestLine, string RequestId, TimeSpan At)> Requests { get; } = new();

    public int Connections => _connections.Count;

    /// <summary>The requests that carried <paramref name="requestId"/>, in order of arrival.</summary>
    public IReadOnlyList<(string RequestLine, TimeSpan At)> With(string requestId) =>
        Requests.Where(r => r.RequestId == requestId).Select(r => (r.RequestLine, r.At)).OrderBy(r => r.At).ToList();

    /// <summary>Waits until a request carrying <paramref name="requestId"/> has arrived (and hangs here).</summary>
    public Task WaitForAsync(string requestId, TimeSpan timeout) =>
        Eventually.UntilAsync($"a request with x-request-id {requestId} to reach the black hole",
            () => With(requestId).Count > 0, timeout, interval: TimeSpan.FromMilliseconds(20));

    /// <summary>Reads request heads as they come (several on one kept-alive connection would wait for an answer first).</summary>
    private async Task RecordAsync(TcpClient connection)
    {
        var buffer = new byte[16 * 1024];
        var received = new StringBuilder();
        try
        {
            var stream = connection.GetStream();
            while (!_stop.IsCancellationRequested)
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0) return;
                received.Append(Encoding.Latin1.GetString(buffer, 0, read));
                int end;
                while ((end = received.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    var head = received.ToString(0, end).Split("\r\n");
                    received.Remove(0, end + 4);
                    var id = head.Skip(1)
                        .Where(line => line.StartsWith("x-request-id:", StringComparison.OrdinalIgnoreCase))
                        .Select(line => line["x-request-id:".Length..].Trim()).FirstOrDefault() ?? "";
                    Requests.Enqueue((head[0], id, _clock.Elapsed));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // The caller gave up (its timeout) or the test ended: both are what a black hole sees.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections) connection.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
