namespace VotingApp.Testing;

/// <summary>
/// A real database server process on 127.0.0.1, a free port and its own temporary folder: started,
/// stopped gracefully (SIGTERM, so it writes its files), restarted on the same port, killed when disposed.
/// </summary>
public abstract class LoopbackServer : IAsyncDisposable
{
    private ChildProcess? _process;

    protected LoopbackServer(string purpose)
    {
        Folder = RepositoryPaths.NewTempFolder(purpose);
        Port = FreePort.Next();
    }

    public int Port { get; }
    public string Host => "127.0.0.1";
    public string Folder { get; }
    public string Output => _process?.Output ?? "";

    /// <summary>The server program and its arguments.</summary>
    protected abstract (string Binary, IReadOnlyList<string> Arguments) Command { get; }

    /// <summary>How long the server may take to open its port, and to stop.</summary>
    protected abstract TimeSpan StartTimeout { get; }
    protected abstract TimeSpan StopTimeout { get; }

    public async Task RestartAsync(TimeSpan downtime = default)
    {
        await StopAsync();
        if (downtime > TimeSpan.Zero) await Task.Delay(downtime);
        await StartProcessAsync();
    }

    public async Task StopAsync()
    {
        if (_process is null) return;
        await _process.TerminateAsync(StopTimeout);
        _process.Dispose();
        _process = null;
    }

    /// <summary>SIGSTOP, a pause, SIGCONT: the server hangs with its connections open, then goes on.</summary>
    public Task HangAsync(TimeSpan duration) => (_process ?? throw new InvalidOperationException("not started")).HangAsync(duration);

    protected async Task StartProcessAsync()
    {
        var (binary, arguments) = Command;
        var process = _process = ChildProcess.Start(binary, arguments);
        await FreePort.WaitUntilOpenAsync(Port, StartTimeout, () => process.Output);
    }

    public async ValueTask DisposeAsync()
    {
        _process?.Dispose();
        _process = null;
        await Task.CompletedTask;
        RepositoryPaths.DeleteFolder(Folder);
    }
}
