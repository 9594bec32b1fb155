using Microsoft.Extensions.Configuration;
using VotingApp.ServiceDefaults;

namespace VotingApp.Storage;

/// <summary>Where storage keeps the votes. The version decides the database; sqlite is for a local run.</summary>
public sealed class StorageSettings
{
    public const string Redis = "redis";
    public const string MySql = "mysql";
    public const string Sqlite = "sqlite";

    /// <summary>Empty: the version's own database (1.0 redis, 2.0 mysql). "sqlite": a local file, no server.</summary>
    [ConfigurationKeyName("STORAGE_BACKEND")]
    public string? Backend { get; set; }

    [ConfigurationKeyName("REDIS_HOST")]
    public string? RedisHost { get; set; }

    [ConfigurationKeyName("REDIS_PORT")]
    public int RedisPort { get; set; } = 6379;

    [ConfigurationKeyName("MYSQL_HOST")]
    public string? MySqlHost { get; set; }

    [ConfigurationKeyName("MYSQL_PORT")]
    public int MySqlPort { get; set; } = 3306;

    [ConfigurationKeyName("MYSQL_USER")]
    public string? MySqlUser { get; set; }

    [ConfigurationKeyName("MYSQL_PASSWORD")]
    public string? MySqlPassword { get; set; }

    /// <summary>
    /// A file that holds the password instead (a mounted Kubernetes Secret), the *_FILE convention of the
    /// MySQL image's entrypoint: exclusive with MYSQL_PASSWORD, trailing line breaks dropped as bash's
    /// $(&lt; file) does. Read once at start-up: after a rotation, restart storage.
    /// </summary>
    [ConfigurationKeyName("MYSQL_PASSWORD_FILE")]
    public string? MySqlPasswordFile { get; set; }

    [ConfigurationKeyName("MYSQL_DATABASE")]
    public string MySqlDatabase { get; set; } = "votes";

    /// <summary>The SQLite file for STORAGE_BACKEND=sqlite (default: voting-storage.db in the temp folder).</summary>
    [ConfigurationKeyName("SQLITE_PATH")]
    public string? SqlitePath { get; set; }

    /// <summary>The database that a service of this version uses with these settings.</summary>
    public string EffectiveBackend(ServiceIdentity identity) =>
        string.IsNullOrWhiteSpace(Backend) ? VersionBackend(identity) : Backend.Trim().ToLowerInvariant();

    public static string VersionBackend(ServiceIdentity identity) => identity.Version == "1.0" ? Redis : MySql;

    /// <summary>MYSQL_PASSWORD, or the contents of MYSQL_PASSWORD_FILE (checked by <see cref="Problems"/>).</summary>
    public string? EffectiveMySqlPassword() =>
        string.IsNullOrEmpty(MySqlPasswordFile) ? MySqlPassword : File.ReadAllText(MySqlPasswordFile).TrimEnd('\r', '\n');

    private string? PasswordProblem()
    {
        if (string.IsNullOrEmpty(MySqlPasswordFile))
        {
            return MySqlPassword is null ? "MYSQL_PASSWORD (or MYSQL_PASSWORD_FILE, a file holding it) is not set." : null;
        }

        if (MySqlPassword is not null) return "MYSQL_PASSWORD and MYSQL_PASSWORD_FILE are both set: set one of them.";
        try
        {
            _ = EffectiveMySqlPassword();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"MYSQL_PASSWORD_FILE='{MySqlPasswordFile}' cannot be read: {e.Message}";
        }
    }

    public IEnumerable<string> Problems(ServiceIdentity identity)
    {
        var backend = EffectiveBackend(identity);
        var own = VersionBackend(identity);
        if (backend != own && backend != Sqlite)
        {
            yield return $"STORAGE_BACKEND='{Backend}' does not fit {identity.Name} {identity.Version}, which keeps votes in {own}. " +
                         $"Leave it unset, or set '{Sqlite}' for a local run without a database server.";
            yield break;
        }

        if (backend == Redis)
        {
            if (string.IsNullOrWhiteSpace(RedisHost)) yield return "REDIS_HOST is not set: storage 1.0 needs the Redis server's host name.";
            if (RedisPort is < 1 or > 65535) yield return $"REDIS_PORT={RedisPort} is not a port number (1-65535).";
        }
        else if (backend == MySql)
        {
            if (string.IsNullOrWhiteSpace(MySqlHost)) yield return "MYSQL_HOST is not set: storage 2.0 needs the MySQL server's host name.";
            if (MySqlPort is < 1 or > 65535) yield return $"MYSQL_PORT={MySqlPort} is not a port number (1-65535).";
            if (string.IsNullOrWhiteSpace(MySqlUser)) yield return "MYSQL_USER is not set.";
            if (PasswordProblem() is { } problem) yield return problem;
            if (string.IsNullOrWhiteSpace(MySqlDatabase)) yield return "MYSQL_DATABASE must not be empty.";
        }
    }
}
