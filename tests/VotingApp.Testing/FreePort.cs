using System.Net;
using System.Net.Sockets;

namespace VotingApp.Testing;

public static class FreePort
{
    // Bound but never listening: connecting to it is refused, and no other socket can take the port while
    // the test process runs (no SO_REUSEADDR), unlike a port that was merely free a moment ago.
    private static readonly Socket DeadSocket = BindWithoutListening();

    /// <summary>A loopback port where nothing listens, nor ever will during this test run: connections are refused.</summary>
    public static int Dead => ((IPEndPoint)DeadSocket.LocalEndPoint!).Port;

    /// <summary>A loopback TCP port that nothing listens on right now (something may take it later: not for "dead").</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until something accepts connections on the loopback port.</summary>
    public static Task WaitUntilOpenAsync(int port, TimeSpan timeout, Func<string>? diagnostics = null) =>
        Eventually.UntilAsync($"something to listen on 127.0.0.1:{port}", async () =>
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }, timeout, diagnostics, e => e is SocketException, TimeSpan.FromMilliseconds(50));

    private static Socket BindWithoutListening()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
