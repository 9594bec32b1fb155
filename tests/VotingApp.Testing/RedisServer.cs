namespace VotingApp.Testing;

/// <summary>A real redis-server with the append-only file on, so that a restart keeps what was acknowledged.</summary>
public sealed class RedisServer : LoopbackServer
{
    private readonly string _binary = ServerBinaries.Require("redis-server", "redis-server");

    private RedisServer() : base("redis")
    {
    }

    public string DataFolder => Folder;

    protected override (string Binary, IReadOnlyList<string> Arguments) Command => (_binary,
    [
        "--bind", Host, "--port", Port.ToString(), "--dir", Folder, "--daemonize", "no",
        "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--protected-mode", "no",
    ]);

    protected override TimeSpan StartTimeout => TimeSpan.FromSeconds(20);
    protected override TimeSpan StopTimeout => TimeSpan.FromSeconds(10);

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer();
        await server.StartProcessAsync();
        return server;
    }
}
