namespace VotingApp.Testing;

/// <summary>
/// A real redis-server on 127.0.0.1 with its own data folder and the append-only file on, so that a
/// restart keeps what was acknowledged. Stopped (SIGKILL) when disposed.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _binary = ServerBinaries.Require("redis-server", "redis-server");
    private ChildProcess? _process;

    private RedisServer()
    {
        DataFolder = RepositoryPaths.NewTempFolder("redis");
        Port = FreePort.Next();
    }

    public int Port { get; }
    public string Host => "127.0.0.1";
    public string DataFolder { get; }
    public string Output => _process?.Output ?? "";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer();
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Stops the server gracefully (it writes its files) and starts it again on the same port.</summary>
    public async Task RestartAsync(TimeSpan downtime = default)
    {
        await StopAsync();
        if (downtime > TimeSpan.Zero) await Task.Delay(downtime);
        await StartProcessAsync();
    }

    public async Task StopAsync()
    {
        if (_process is null) return;
        await _process.TerminateAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
        _process = null;
    }

    private async Task StartProcessAsync()
    {
        _process = ChildProcess.Start(_binary,
        [
            "--bind", Host, "--port", Port.ToString(), "--dir", DataFolder, "--daemonize", "no",
            "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--protected-mode", "no",
        ]);
        var process = _process;
        await FreePort.WaitUntilOpenAsync(Port, TimeSpan.FromSeconds(20), () => process.Output);
    }

    public async ValueTask DisposeAsync()
    {
        _process?.Dispose();
        _process = null;
        await Task.CompletedTask;
        RepositoryPaths.DeleteFolder(DataFolder);
    }
}
