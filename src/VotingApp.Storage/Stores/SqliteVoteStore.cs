using Dapper;
using Microsoft.Data.Sqlite;

namespace VotingApp.Storage.Stores;

/// <summary>A local file, for running the sample without any database server (STORAGE_BACKEND=sqlite).</summary>
public sealed class SqliteVoteStore(string path) : VoteStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Pooling = true,
        DefaultTimeout = 2,
    }.ToString();

    public override string Kind => "sqlite";
    public override string Location => path;

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await ExecuteAsync("""
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS vote_counts (option_name TEXT NOT NULL PRIMARY KEY, vote_count INTEGER NOT NULL);
            """, cancellationToken);
    }

    protected override async Task<IReadOnlyDictionary<string, long>> ReadCountsAsync(IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // Every row (a handful): Dapper.AOT has no list expansion (IN @options).
        var rows = await connection.QueryAsync<VoteCountRow>("SELECT option_name AS Name, vote_count AS Count FROM vote_counts");
        return rows.ToDictionary(row => row.Name, row => row.Count);
    }

    protected override async Task<long> IncrementAsync(string option, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>("""
            INSERT INTO vote_counts (option_name, vote_count) VALUES (@option, 1)
                ON CONFLICT (option_name) DO UPDATE SET vote_count = vote_count + 1
                RETURNING vote_count
            """, new { option, cancellationToken });
    }

    protected override Task ClearAsync(CancellationToken cancellationToken) => ExecuteAsync("DELETE FROM vote_counts", cancellationToken);

    protected override Task PingCoreAsync(CancellationToken cancellationToken) => ExecuteAsync("SELECT 1", cancellationToken);

    protected override bool IsUnavailable(Exception exception) => exception is SqliteException;

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(sql);
    }
}
