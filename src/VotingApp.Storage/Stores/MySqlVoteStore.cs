using Dapper;
using MySqlConnector;
using VotingApp.Contracts;

namespace VotingApp.Storage.Stores;

/// <summary>
/// Storage 2.0: one row per option in MySQL (or MariaDB). A vote is a single
/// INSERT … ON DUPLICATE KEY UPDATE, so it is atomic and reading costs the same however many votes exist.
/// A vote with a token records the token in vote_tokens in the same transaction as the increment, so the
/// two commit together or not at all; expired tokens are deleted in the background (VoteTokenPurger).
/// </summary>
public sealed class MySqlVoteStore(MySqlConnectionStringBuilder connectionString) : VoteStore
{
    // utf8mb4_bin: "cats" and "Cats" are different options, as they are everywhere else.
    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS vote_counts (
            option_name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
            vote_count BIGINT NOT NULL
        ) ENGINE=InnoDB
        """;

    private const string CreateTokenTable = """
        CREATE TABLE IF NOT EXISTS vote_tokens (
            token VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
            option_name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
            vote_count BIGINT NOT NULL,
            expires_at BIGINT NOT NULL,
            KEY vote_tokens_expires_at (expires_at)
        ) ENGINE=InnoDB
        """;

    // LAST_INSERT_ID(expr) remembers the new count for this connection, so the vote and the reading of
    // its result are one round trip and cannot see another connection's vote.
    private const string Increment = """
        INSERT INTO vote_counts (option_name, vote_count) VALUES (@option, LAST_INSERT_ID(1))
            ON DUPLICATE KEY UPDATE vote_count = LAST_INSERT_ID(vote_count + 1);
        SELECT LAST_INSERT_ID();
        """;

    private const int UnknownDatabase = 1049;

    // Two transactions with the same new token both wait on the first one's row; InnoDB then lets one of
    // them through and rolls the other back as a deadlock, which is simply tried again.
    private const int Deadlock = 1213;
    private const int DeadlockRetries = 5;

    private const int AccessDenied = 1045;

    // ER_RECORD_FILE_FULL ("The table is full") and ER_DISK_FULL: the statement changed nothing.
    private const int TableFull = 1114;
    private const int DiskFull = 1021;

    // Failures that certainly left the vote's transaction uncommitted (it is rolled back); anything else may have come during its commit.
    private static readonly int[] NothingCommitted = [UnknownDatabase, Deadlock, AccessDenied, TableFull, DiskFull, 1040 /* too many connections */, 1042 /* cannot connect */, 1205 /* lock wait timeout */];

    private readonly string _connectionString = connectionString.ConnectionString;
    private readonly MySqlSslMode _sslMode = connectionString.SslMode;

    public override string Kind => StoreNames.MySql;
    public override string Location { get; } = $"{connectionString.Server}:{connectionString.Port}/{connectionString.Database}";

    /// <summary>Pooled, with bounded waits, for a server that may come and go.</summary>
    public static MySqlConnectionStringBuilder BuildConnectionString(StorageSettings settings) => new()
    {
        // Managed servers (Azure Database for MySQL) require TLS; VerifyCA/VerifyFull check the certificate.
        SslMode = settings.EffectiveMySqlSslMode(),
        SslCa = settings.MySqlSslCaFile ?? "",
        Server = settings.MySqlHost,
        Port = (uint)settings.MySqlPort,
        UserID = settings.MySqlUser,
        Password = settings.EffectiveMySqlPassword(),
        Database = settings.MySqlDatabase,
        Pooling = true,
        MaximumPoolSize = 64,
        ConnectionTimeout = 2,
        DefaultCommandTimeout = 2,
        CancellationTimeout = -1,
    };

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(CreateTable, cancellationToken);
        }
        catch (MySqlException e) when (e.Number == UnknownDatabase)
        {
            // The MySQL image creates MYSQL_DATABASE itself; a bare server (tests, a local run) may not have it.
            var server = new MySqlConnectionStringBuilder(_connectionString) { Database = "" };
            await using (var connection = await OpenAsync(server.ConnectionString, cancellationToken))
            {
                await connection.ExecuteAsync(
                    $"CREATE DATABASE IF NOT EXISTS `{new MySqlConnectionStringBuilder(_connectionString).Database.Replace("`", "``")}`");
            }

            await ExecuteAsync(CreateTable, cancellationToken);
        }

        await ExecuteAsync(CreateTokenTable, cancellationToken);
    }

    protected override async Task<IReadOnlyDictionary<string, long>> ReadCountsAsync(IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        // Every row (one per option ever voted for: a handful), as Dapper.AOT has no list expansion (IN @options).
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        var rows = await connection.QueryAsync<VoteCountRow>("SELECT option_name AS Name, vote_count AS Count FROM vote_counts");
        return rows.ToDictionary(row => row.Name, row => row.Count);
    }

    protected override async Task<long> IncrementAsync(string option, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(_connectionString);
        return await connection.ExecuteScalarAsync<long>(Increment, new { option, cancellationToken });
    }

    protected override async Task<StoredVote> IncrementOnceAsync(string option, string token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await IncrementOnceInTransactionAsync(option, token, now, cancellationToken);
            }
            catch (MySqlException e) when (e.Number == Deadlock && attempt < DeadlockRetries)
            {
            }
        }
    }

    private async Task<StoredVote> IncrementOnceInTransactionAsync(string option, string token, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expires = (now + TokenLifetime).ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // A new token's row starts with the count -1 ("being counted"). ON DUPLICATE KEY UPDATE takes an
        // exclusive lock on an existing row, where a plain INSERT (or INSERT IGNORE) takes a shared one that two
        // repeats would both try to upgrade: a deadlock (dev.mysql.com/doc/refman/8.4/en/innodb-locks-set.html).
        // So repeats of one token queue behind its first vote, then read what it committed.
        await connection.ExecuteAsync(
            "INSERT INTO vote_tokens (token, option_name, vote_count, expires_at) VALUES (@token, @option, -1, @expires) " +
            "ON DUPLICATE KEY UPDATE token = token",
            new { token, option, expires }, transaction);
        var first = await connection.QuerySingleAsync<VoteTokenRow>(
            "SELECT option_name AS Option, vote_count AS Count, expires_at AS ExpiresAt FROM vote_tokens WHERE token = @token FOR UPDATE",
            new { token }, transaction);
        if (first.Count >= 0 && first.ExpiresAt > now.ToUnixTimeMilliseconds())
        {
            await transaction.CommitAsync(cancellationToken);
            return new StoredVote(first.Option, first.Count, Repeated: true);
        }

        var count = await connection.ExecuteScalarAsync<long>(Increment, new { option }, transaction);
        await connection.ExecuteAsync(
            "UPDATE vote_tokens SET option_name = @option, vote_count = @count, expires_at = @expires WHERE token = @token",
            new { token, option, count, expires }, transaction);
        await transaction.CommitAsync(cancellationToken);
        return new StoredVote(option, count, Repeated: false);
    }

    protected override async Task<long> DeleteExpiredTokensAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        // In batches, so that no single statement locks many rows or fills the undo log; votes go on meanwhile.
        const int batch = 5_000;
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        long deleted = 0;
        int rows;
        do
        {
            rows = await connection.ExecuteAsync("DELETE FROM vote_tokens WHERE expires_at <= @now ORDER BY expires_at LIMIT 5000",
                new { now = now.ToUnixTimeMilliseconds() });
            deleted += rows;
        }
        while (rows == batch && !cancellationToken.IsCancellationRequested);

        return deleted;
    }

    protected override Task ClearAsync(CancellationToken cancellationToken) => ExecuteAsync("DELETE FROM vote_counts", cancellationToken);

    protected override Task PingCoreAsync(CancellationToken cancellationToken) => ExecuteAsync("SELECT 1", cancellationToken);

    protected override bool IsUnavailable(Exception exception) => exception is MySqlException or System.Net.Sockets.SocketException;

    protected override bool IsFull(Exception exception) => exception is MySqlException { Number: TableFull or DiskFull };

    protected override bool MayHaveApplied(Exception exception) =>
        !(exception is MySqlException e && (NothingCommitted.Contains(e.Number) || e.ErrorCode == MySqlErrorCode.UnableToConnectToHost));

    /// <summary>The driver's message and its causes (a TLS failure says why only in its inner exception), with a hint.</summary>
    protected override string Explain(Exception exception)
    {
        var messages = new List<string>();
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message)) messages.Add(e.Message);
        }

        var message = string.Join(": ", messages);
        return exception switch
        {
            // MariaDB answers a plain connection under require_secure_transport=ON with "Access denied".
            MySqlException { Number: AccessDenied } when _sslMode == MySqlSslMode.None =>
                $"{message} (check the password; a server that requires TLS, as Azure Database for MySQL does by default with " +
                "require_secure_transport=ON, refuses MYSQL_SSL_MODE=None)",
            MySqlException { InnerException: System.Security.Authentication.AuthenticationException } =>
                $"{message} (the server's TLS certificate was refused: with MYSQL_SSL_MODE=VerifyCA or VerifyFull, MYSQL_SSL_CA_FILE " +
                "must be the certificate authority that issued it, and for VerifyFull it must name MYSQL_HOST)",
            _ => message,
        };
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(_connectionString, cancellationToken);
        await connection.ExecuteAsync(sql);
    }

    /// <summary>
    /// Opened here, where the wait for a server that is down can be cancelled: the statements themselves are
    /// bounded by DefaultCommandTimeout (Dapper.AOT takes a cancellation token only beside other parameters).
    /// </summary>
    private static async Task<MySqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
