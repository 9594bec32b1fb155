using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VotingApp.Testing;

/// <summary>The tests' own small servers on 127.0.0.1: a bare Kestrel for one request delegate, and a raw TCP accept loop.</summary>
public static class LoopbackWebHost
{
    /// <summary>Kestrel on <paramref name="port"/>, without logs, answering every request with <paramref name="handler"/>.</summary>
    public static async Task<WebApplication> StartAsync(int port, RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return app;
    }

    /// <summary>Hands every accepted connection to <paramref name="onConnection"/> until <paramref name="stop"/>.</summary>
    public static async Task AcceptAsync(TcpListener listener, Action<TcpClient> onConnection, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient connection;
            try
            {
                connection = await listener.AcceptTcpClientAsync(stop);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            onConnection(connection);
        }
    }
}
