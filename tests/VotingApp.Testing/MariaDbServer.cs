using MySqlConnector;

namespace VotingApp.Testing;

/// <summary>
/// A real MariaDB server (Debian's mariadb-server, which MySqlConnector speaks to) on 127.0.0.1 with its
/// own data folder, and a user for storage 2.0. Optionally TLS only (require_secure_transport=ON), as
/// Azure Database for MySQL runs by default. Killed when disposed.
/// </summary>
public sealed class MariaDbServer : LoopbackServer
{
    public const string User = "voting";
    public const string Password = "test-only-password";

    private readonly string _binary = ServerBinaries.Require("mariadbd", "mariadb-server");

    private MariaDbServer(TestCertificates? tls) : base("mariadb") => Tls = tls;

    /// <summary>The certificates of a server that accepts TLS connections only, or null for one that takes both.</summary>
    public TestCertificates? Tls { get; }

    private string DataFolder => Path.Combine(Folder, "data");
    private string Socket => Path.Combine(Folder, "mariadb.sock");

    public static async Task<MariaDbServer> StartAsync(TestCertificates? tls = null)
    {
        var server = new MariaDbServer(tls);
        await server.InstallAsync();
        await server.StartProcessAsync();
        await server.CreateUserAsync();
        return server;
    }

    /// <summary>The environment storage 2.0 needs to use this server.</summary>
    public IReadOnlyDictionary<string, string?> StorageEnvironment(string database) => new Dictionary<string, string?>
    {
        ["MYSQL_HOST"] = Host,
        ["MYSQL_PORT"] = Port.ToString(),
        ["MYSQL_USER"] = User,
        ["MYSQL_PASSWORD"] = Password,
        ["MYSQL_DATABASE"] = database,
        ["MYSQL_SSL_MODE"] = Tls is null ? null : "VerifyFull",
        ["MYSQL_SSL_CA_FILE"] = Tls?.CaFile,
    };

    /// <summary>A connection as the test user, for checking what storage wrote.</summary>
    public MySqlConnection Connect(string? database = null) => new(new MySqlConnectionStringBuilder
    {
        Server = Host,
        Port = (uint)Port,
        UserID = User,
        Password = Password,
        Database = database ?? "",
        Pooling = false,
        SslMode = Tls is null ? MySqlSslMode.Preferred : MySqlSslMode.Required,
    }.ConnectionString);

    private async Task InstallAsync()
    {
        // The server runs as the mysql user, which must be able to reach and own its folders.
        (await ChildProcess.RunAsync("chmod", ["755", Folder])).EnsureSuccess();
        (await ChildProcess.RunAsync(ServerBinaries.Require("mariadb-install-db", "mariadb-server"),
            ["--no-defaults", "--user=mysql", $"--datadir={DataFolder}", "--skip-test-db", "--auth-root-authentication-method=socket"])).EnsureSuccess();
        (await ChildProcess.RunAsync("chown", ["-R", "mysql:mysql", Folder])).EnsureSuccess();
    }

    protected override (string Binary, IReadOnlyList<string> Arguments) Command => (_binary,
    [
        "--no-defaults", "--user=mysql", $"--datadir={DataFolder}", $"--socket={Socket}",
        $"--port={Port}", $"--bind-address={Host}", .. ServerFlags.MariaDb,
        $"--pid-file={Path.Combine(Folder, "mariadb.pid")}",
        .. Tls is null
            ? Array.Empty<string>()
            : [$"--ssl-cert={Tls.ServerCertificateFile}", $"--ssl-key={Tls.ServerKeyFile}", $"--ssl-ca={Tls.CaFile}", "--require-secure-transport=ON"],
    ]);

    protected override TimeSpan StartTimeout => TimeSpan.FromSeconds(60);
    protected override TimeSpan StopTimeout => TimeSpan.FromSeconds(20);

    private async Task CreateUserAsync()
    {
        // root may log in only through the socket (as the OS root user, which the tests run as).
        var root = new MySqlConnectionStringBuilder { Server = Socket, ConnectionProtocol = MySqlConnectionProtocol.UnixSocket, UserID = "root", Pooling = false };
        await using var connection = new MySqlConnection(root.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE USER IF NOT EXISTS '{User}'@'127.0.0.1' IDENTIFIED BY '{Password}';
            GRANT ALL PRIVILEGES ON *.* TO '{User}'@'127.0.0.1';
            FLUSH PRIVILEGES;
            """;
        await command.ExecuteNonQueryAsync();
    }
}
