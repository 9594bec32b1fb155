using Dapper;
using MySqlConnector;

namespace VotingApp.Storage.Stores;

/// <summary>
/// Storage 2.0: one row per option in MySQL (or MariaDB). A vote is a single
/// INSERT … ON DUPLICATE KEY UPDATE, so it is atomic and reading costs the same however many votes exist.
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

    // LAST_INSERT_ID(expr) remembers the new count for this connection, so the vote and the reading of
    // its result are one round trip and cannot see another connection's vote.
    private const string Increment = """
        INSERT INTO vote_counts (option_name, vote_count) VALUES (@option, LAST_INSERT_ID(1))
            ON DUPLICATE KEY UPDATE vote_count = LAST_INSERT_ID(vote_count + 1);
        SELECT LAST_INSERT_ID();
        """;

    private const int UnknownDatabase = 1049;

    private readonly string _connectionString = connectionString.ConnectionString;

    public override string Kind => "mysql";
    public override string Location { get; } = $"{connectionString.Server}:{connectionString.Port}/{connectionString.Database}";

    /// <summary>Pooled, with bounded waits, for a server that may come and go.</summary>
    public static MySqlConnectionStringBuilder BuildConnectionString(StorageSettings settings) => new()
    {
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
            await using (var connection = new MySqlConnection(server.ConnectionString))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    $"CREATE DATABASE IF NOT EXISTS `{new MySqlConnectionStringBuilder(_connectionString).Database.Replace("`", "``")}`",
                    cancellationToken: cancellationToken));
            }

            await ExecuteAsync(CreateTable, cancellationToken);
        }
    }

    protected override async Task<IReadOnlyDictionary<string, long>> ReadCountsAsync(IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(_connectionString);
        var rows = await connection.QueryAsync<(string Name, long Count)>(new CommandDefinition(
            "SELECT option_name, vote_count FROM vote_counts WHERE option_name IN @options",
            new { options }, cancellationToken: cancellationToken));
        return rows.ToDictionary(row => row.Name, row => row.Count);
    }

    protected override async Task<long> IncrementAsync(string option, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(_connectionString);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(Increment, new { option }, cancellationToken: cancellationToken));
    }

    protected override Task ClearAsync(CancellationToken cancellationToken) => ExecuteAsync("DELETE FROM vote_counts", cancellationToken);

    protected override Task PingCoreAsync(CancellationToken cancellationToken) => ExecuteAsync("SELECT 1", cancellationToken);

    protected override bool IsUnavailable(Exception exception) => exception is MySqlException or System.Net.Sockets.SocketException;

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(_connectionString);
        await connection.ExecuteAsync(new CommandDefinition(sql, cancellationToken: cancellationToken));
    }
}
