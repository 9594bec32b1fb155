using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace VotingApp.Testing;

/// <summary>
/// A TCP relay in front of a server (Redis) that can lose the server's answers: while <see cref="DropReplies"/> is
/// on, every command still reaches the server and runs, but what the server sends back is thrown away, as on a
/// network that fails after the request went through. <see cref="Restore"/> then closes the connections whose
/// answers were lost (their byte streams no longer line up), so that clients reconnect to a clean one.
/// </summary>
public sealed class ReplyDroppingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, TcpClient> _connections = new();
    private readonly Task _accepting;
    private volatile bool _dropping;

    public ReplyDroppingRelay(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = LoopbackWebHost.AcceptAsync(_listener, client => _ = RelayAsync(client), _stop.Token);
    }

    public int Port { get; }

    /// <summary>How many bytes of answers were thrown away.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    private long _dropped;

    public void DropReplies() => _dropping = true;

    public void Restore()
    {
        _dropping = false;
        foreach (var (client, server) in _connections)
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            _connections[client] = server;
            await Task.WhenAny(
                PumpAsync(client.GetStream(), server.GetStream(), replies: false),
                PumpAsync(server.GetStream(), client.GetStream(), replies: true));
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // The relay stopped, or a connection was closed: the other side sees it closed too.
        }
        finally
        {
            _connections.TryRemove(client, out _);
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, bool replies)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (replies && _dropping)
                {
                    Interlocked.Add(ref _dropped, read);
                    continue;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Restore();
        await _accepting;
        _stop.Dispose();
    }
}
