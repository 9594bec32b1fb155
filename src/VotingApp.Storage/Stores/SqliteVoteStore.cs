using Dapper;
using Microsoft.Data.Sqlite;
using VotingApp.Contracts;

namespace VotingApp.Storage.Stores;

/// <summary>
/// A local file, for running the sample without any database server (STORAGE_BACKEND=sqlite).
/// Votes go through one write connection, one at a time: SQLite lets only one writer in at once anyway,
/// and writers on several pooled connections waited for each other in its busy handler (sleeps of up to
/// tens of milliseconds), which gave votes a p99 of ~300 ms at 8 connections. Reads use their own pooled
/// connections; in WAL mode they never wait for the writer. A vote with a token is one transaction on the
/// write connection: the token and the count commit together.
/// </summary>
public sealed class SqliteVoteStore(string path) : VoteStore, IAsyncDisposable
{
    private const string Increment = """
        INSERT INTO vote_counts (option_name, vote_count) VALUES (@option, 1)
            ON CONFLICT (option_name) DO UPDATE SET vote_count = vote_count + 1
            RETURNING vote_count
        """;

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Pooling = true,
        DefaultTimeout = 2,
    }.ToString();

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private SqliteConnection? _writer;

    public override string Kind => StoreNames.Sqlite;
    public override string Location => path;

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var writer = await OpenAsync(cancellationToken);
        try
        {
            // WAL: a commit appends to the -wal file and readers go on reading the last committed state.
            // synchronous=NORMAL: a commit is written to the file (the operating system has it) before it
            // returns, but not fsync'ed; only checkpoints are. So an acknowledged vote survives the process
            // being killed (kill -9, a crash, an OOM kill: the kernel still writes the file out), which is what
            // a local run meets; a power loss or kernel crash may lose the last votes before a checkpoint.
            // FULL would fsync every vote and cost a disk flush per vote for a guarantee a sample's local
            // file does not need; the deployed stores (Redis AOF, InnoDB) set their own durability.
            await writer.ExecuteAsync("""
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                CREATE TABLE IF NOT EXISTS vote_counts (option_name TEXT NOT NULL PRIMARY KEY, vote_count INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS vote_tokens (token TEXT NOT NULL PRIMARY KEY, option_name TEXT NOT NULL,
                    vote_count INTEGER NOT NULL, expires_at INTEGER NOT NULL);
                CREATE INDEX IF NOT EXISTS vote_tokens_expires_at ON vote_tokens (expires_at);
                """);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }

        _writer = writer;
    }

    protected override async Task<IReadOnlyDictionary<string, long>> ReadCountsAsync(IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Every row (a handful): Dapper.AOT has no list expansion (IN @options).
        var rows = await connection.QueryAsync<VoteCountRow>("SELECT option_name AS Name, vote_count AS Count FROM vote_counts");
        return rows.ToDictionary(row => row.Name, row => row.Count);
    }

    protected override Task<long> IncrementAsync(string option, CancellationToken cancellationToken) =>
        WriteAsync(writer => writer.ExecuteScalarAsync<long>(Increment, new { option, cancellationToken }),
            cancellationToken);

    protected override Task<StoredVote> IncrementOnceAsync(string option, string token, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(async writer =>
        {
            var expires = (now + TokenLifetime).ToUnixTimeMilliseconds();
            await using var transaction = writer.BeginTransaction();
            var first = await writer.QuerySingleOrDefaultAsync<VoteTokenRow>(
                "SELECT option_name AS Option, vote_count AS Count, expires_at AS ExpiresAt FROM vote_tokens WHERE token = @token",
                new { token }, transaction);
            if (first is not null && first.ExpiresAt > now.ToUnixTimeMilliseconds())
            {
                return new StoredVote(first.Option, first.Count, Repeated: true);
            }

            var count = await writer.ExecuteScalarAsync<long>(Increment, new { option }, transaction);
            await writer.ExecuteAsync("""
                INSERT INTO vote_tokens (token, option_name, vote_count, expires_at) VALUES (@token, @option, @count, @expires)
                    ON CONFLICT (token) DO UPDATE SET option_name = excluded.option_name, vote_count = excluded.vote_count, expires_at = excluded.expires_at
                """, new { token, option, count, expires }, transaction);
            transaction.Commit();
            return new StoredVote(option, count, Repeated: false);
        }, cancellationToken);

    protected override async Task<long> DeleteExpiredTokensAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await WriteAsync(writer => writer.ExecuteAsync("DELETE FROM vote_tokens WHERE expires_at <= @now", new { now = now.ToUnixTimeMilliseconds() }),
            cancellationToken);

    protected override Task ClearAsync(CancellationToken cancellationToken) =>
        WriteAsync(writer => writer.ExecuteAsync("DELETE FROM vote_counts"),
            cancellationToken);

    protected override async Task PingCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT 1");
    }

    protected override bool IsUnavailable(Exception exception) => exception is SqliteException;

    /// <summary>SQLITE_FULL: the disk is full; the transaction is rolled back.</summary>
    protected override bool IsFull(Exception exception) => exception is SqliteException { SqliteErrorCode: 13 };

    /// <summary>A local file, written in one transaction: a failed vote changed nothing.</summary>
    protected override bool MayHaveApplied(Exception exception) => false;

    /// <summary>Runs one write on the write connection, after the writes before it.</summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, Task<T>> write, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            return await write(_writer ?? throw new InvalidOperationException("The SQLite store is not prepared."));
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is { } writer)
        {
            await writer.DisposeAsync();
        }
    }
}
