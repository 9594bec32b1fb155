namespace VotingApp.Testing;

/// <summary>
/// A real redis-server with the append-only file on (scripts/server-flags.sh), so that a restart keeps what was acknowledged;
/// optionally with a password (requirepass) and TLS only (its one port is a TLS port), as a managed Redis runs.
/// </summary>
public sealed class RedisServer : LoopbackServer
{
    private readonly string _binary = ServerBinaries.Require("redis-server", "redis-server");

    private RedisServer(string? password, TestCertificates? tls) : base("redis")
    {
        Password = password;
        Tls = tls;
    }

    public string DataFolder => Folder;

    /// <summary>The password clients must give (requirepass), or null for none.</summary>
    public string? Password { get; }

    /// <summary>The certificates of its TLS port, or null when it speaks plain TCP.</summary>
    public TestCertificates? Tls { get; }

    protected override (string Binary, IReadOnlyList<string> Arguments) Command => (_binary,
    [
        "--bind", Host, "--dir", Folder, "--daemonize", "no", .. ServerFlags.Redis,
        .. Tls is null
            ? new[] { "--port", Port.ToString() }
            : ["--port", "0", "--tls-port", Port.ToString(), "--tls-cert-file", Tls.ServerCertificateFile,
               "--tls-key-file", Tls.ServerKeyFile, "--tls-ca-cert-file", Tls.CaFile, "--tls-auth-clients", "no"],
        .. Password is null ? Array.Empty<string>() : ["--requirepass", Password],
    ]);

    protected override TimeSpan StartTimeout => TimeSpan.FromSeconds(20);
    protected override TimeSpan StopTimeout => TimeSpan.FromSeconds(10);

    /// <summary>Storage 1.0's environment for this server: host, port, and the password and TLS when it has them.</summary>
    public IReadOnlyDictionary<string, string?> StorageEnvironment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["REDIS_HOST"] = Host,
            ["REDIS_PORT"] = Port.ToString(),
        };
        if (Password is not null) environment["REDIS_PASSWORD"] = Password;
        if (Tls is not null)
        {
            environment["REDIS_SSL"] = "true";
            environment["REDIS_SSL_CA_FILE"] = Tls.CaFile;
        }

        return environment;
    }

    /// <summary>One command through redis-cli (plain TCP servers only), e.g. CONFIG SET maxmemory 1; returns its reply.</summary>
    public async Task<string> CommandAsync(params string[] command)
    {
        if (Tls is not null) throw new InvalidOperationException("redis-cli is used here on plain TCP servers only");
        string[] connection = Password is null ? ["-h", Host, "-p", Port.ToString()] : ["-h", Host, "-p", Port.ToString(), "-a", Password, "--no-auth-warning"];
        var reply = (await ChildProcess.RunAsync(ServerBinaries.Require("redis-cli", "redis-tools"), [.. connection, .. command])).EnsureSuccess().Output.Trim();
        return reply.StartsWith("ERR", StringComparison.Ordinal) ? throw new InvalidOperationException($"redis-cli {string.Join(' ', command)}: {reply}") : reply;
    }

    public static async Task<RedisServer> StartAsync(string? password = null, TestCertificates? tls = null)
    {
        var server = new RedisServer(password, tls);
        await server.StartProcessAsync();
        return server;
    }
}
