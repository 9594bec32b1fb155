using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MySqlConnector;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.Storage;

/// <summary>Where storage keeps the votes. The version decides the database; sqlite is for a local run.</summary>
public sealed class StorageSettings
{
    public const string Redis = StoreNames.Redis;
    public const string MySql = StoreNames.MySql;
    public const string Sqlite = StoreNames.Sqlite;

    /// <summary>Empty: the version's own database (<see cref="ServiceCatalog.Storage"/>). "sqlite": a local file, no server.</summary>
    [ConfigurationKeyName("STORAGE_BACKEND")]
    public string? Backend { get; set; }

    [ConfigurationKeyName("REDIS_HOST")]
    public string? RedisHost { get; set; }

    [ConfigurationKeyName("REDIS_PORT")]
    public int RedisPort { get; set; } = 6379;

    /// <summary>A managed Redis (Azure Cache for Redis) needs its access key as the password.</summary>
    [ConfigurationKeyName("REDIS_PASSWORD")]
    public string? RedisPassword { get; set; }

    /// <summary>The same, under the name the older Azure voting sample (azure-voting-app-redis) uses.</summary>
    [ConfigurationKeyName("REDIS_PWD")]
    public string? RedisPwd { get; set; }

    /// <summary>A file that holds the Redis password (a mounted Secret), as MYSQL_PASSWORD_FILE.</summary>
    [ConfigurationKeyName("REDIS_PASSWORD_FILE")]
    public string? RedisPasswordFile { get; set; }

    /// <summary>TLS to Redis (Azure Cache for Redis: port 6380, TLS only).</summary>
    [ConfigurationKeyName("REDIS_SSL")]
    public bool RedisSsl { get; set; }

    /// <summary>The certificate authority (PEM) that issued the Redis server's certificate, when the machine does not trust it.</summary>
    [ConfigurationKeyName("REDIS_SSL_CA_FILE")]
    public string? RedisSslCaFile { get; set; }

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

    /// <summary>None, Preferred (the driver's default), Required, VerifyCA or VerifyFull (MySqlConnector's SslMode).</summary>
    [ConfigurationKeyName("MYSQL_SSL_MODE")]
    public string? MySqlSslMode { get; set; }

    /// <summary>The certificate authority (PEM) for MYSQL_SSL_MODE=VerifyCA or VerifyFull.</summary>
    [ConfigurationKeyName("MYSQL_SSL_CA_FILE")]
    public string? MySqlSslCaFile { get; set; }

    /// <summary>
    /// How long storage remembers a vote token: a repeat within it counts nothing. As long as a page's vote may be
    /// sent again (30 minutes by default), not longer: every vote's token is kept that long, in memory in Redis.
    /// </summary>
    [ConfigurationKeyName("VOTE_TOKEN_LIFETIME_SECONDS")]
    public int VoteTokenLifetimeSeconds { get; set; } = DefaultVoteTokenLifetimeSeconds;

    public const int DefaultVoteTokenLifetimeSeconds = 30 * 60;
    public const int MaxVoteTokenLifetimeSeconds = 86_400;

    public static readonly MySqlSslMode[] SslModes =
        [MySqlConnector.MySqlSslMode.None, MySqlConnector.MySqlSslMode.Preferred, MySqlConnector.MySqlSslMode.Required,
         MySqlConnector.MySqlSslMode.VerifyCA, MySqlConnector.MySqlSslMode.VerifyFull];

    /// <summary>The SQLite file for STORAGE_BACKEND=sqlite (default: voting-storage.db in the temp folder).</summary>
    [ConfigurationKeyName("SQLITE_PATH")]
    public string? SqlitePath { get; set; }

    /// <summary>The database that a service of this version uses with these settings.</summary>
    public string EffectiveBackend(ServiceIdentity identity) =>
        string.IsNullOrWhiteSpace(Backend) ? VersionBackend(identity) : Backend.Trim().ToLowerInvariant();

    public static string VersionBackend(ServiceIdentity identity) => identity.Release.Store!;

    /// <summary>MYSQL_PASSWORD, or the contents of MYSQL_PASSWORD_FILE (checked by <see cref="Problems"/>).</summary>
    public string? EffectiveMySqlPassword() =>
        string.IsNullOrEmpty(MySqlPasswordFile) ? MySqlPassword : ReadSecretFile(MySqlPasswordFile);

    /// <summary>REDIS_PASSWORD, REDIS_PWD or the contents of REDIS_PASSWORD_FILE; null: no password (checked by <see cref="Problems"/>).</summary>
    public string? EffectiveRedisPassword() =>
        string.IsNullOrEmpty(RedisPasswordFile) ? RedisPassword ?? RedisPwd : ReadSecretFile(RedisPasswordFile);

    public MySqlSslMode EffectiveMySqlSslMode() =>
        string.IsNullOrWhiteSpace(MySqlSslMode) ? MySqlConnector.MySqlSslMode.Preferred
            : SslModes.Single(mode => string.Equals(mode.ToString(), MySqlSslMode.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The certificate authority in REDIS_SSL_CA_FILE, or null.</summary>
    public X509Certificate2? RedisCertificateAuthority() =>
        string.IsNullOrEmpty(RedisSslCaFile) ? null : X509CertificateLoader.LoadCertificateFromFile(RedisSslCaFile);

    public TimeSpan VoteTokenLifetime => TimeSpan.FromSeconds(VoteTokenLifetimeSeconds);

    private static string ReadSecretFile(string path) => File.ReadAllText(path).TrimEnd('\r', '\n');

    private string? PasswordProblem()
    {
        if (string.IsNullOrEmpty(MySqlPasswordFile))
        {
            return MySqlPassword is null ? "MYSQL_PASSWORD (or MYSQL_PASSWORD_FILE, a file holding it) is not set." : null;
        }

        if (MySqlPassword is not null) return "MYSQL_PASSWORD and MYSQL_PASSWORD_FILE are both set: set one of them.";
        return FileProblem("MYSQL_PASSWORD_FILE", MySqlPasswordFile);
    }

    private string? RedisPasswordProblem()
    {
        var set = new[] { ("REDIS_PASSWORD", RedisPassword), ("REDIS_PWD", RedisPwd), ("REDIS_PASSWORD_FILE", RedisPasswordFile) }
            .Where(setting => !string.IsNullOrEmpty(setting.Item2)).Select(setting => setting.Item1).ToList();
        if (set.Count > 1) return $"{string.Join(" and ", set)} are {(set.Count == 2 ? "both" : "all")} set: set one of them (they are the same password).";
        return string.IsNullOrEmpty(RedisPasswordFile) ? null : FileProblem("REDIS_PASSWORD_FILE", RedisPasswordFile);
    }

    /// <summary>Never says what the file holds: it is a secret.</summary>
    private static string? FileProblem(string name, string path)
    {
        try
        {
            _ = ReadSecretFile(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{name}='{path}' cannot be read: {e.Message}";
        }
    }

    private static string? CertificateProblem(string name, string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return $"{name}='{path}' is not a readable certificate (PEM or DER): {e.Message}";
        }
    }

    public IEnumerable<string> Problems(ServiceIdentity identity)
    {
        if (identity.Problems().Any()) yield break; // no version, no store to check the settings for
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
            if (string.IsNullOrWhiteSpace(RedisHost)) yield return $"REDIS_HOST is not set: storage {identity.Version} needs the Redis server's host name.";
            if (RedisPort is < 1 or > 65535) yield return $"REDIS_PORT={RedisPort} is not a port number (1-65535).";
            if (RedisPasswordProblem() is { } password) yield return password;
            if (!string.IsNullOrEmpty(RedisSslCaFile) && !RedisSsl) yield return "REDIS_SSL_CA_FILE is set but REDIS_SSL is not true: the certificate authority is for TLS only.";
            if (CertificateProblem("REDIS_SSL_CA_FILE", RedisSslCaFile) is { } ca) yield return ca;
        }
        else if (backend == MySql)
        {
            if (string.IsNullOrWhiteSpace(MySqlHost)) yield return $"MYSQL_HOST is not set: storage {identity.Version} needs the MySQL server's host name.";
            if (MySqlPort is < 1 or > 65535) yield return $"MYSQL_PORT={MySqlPort} is not a port number (1-65535).";
            if (string.IsNullOrWhiteSpace(MySqlUser)) yield return "MYSQL_USER is not set.";
            if (PasswordProblem() is { } problem) yield return problem;
            if (string.IsNullOrWhiteSpace(MySqlDatabase)) yield return "MYSQL_DATABASE must not be empty.";
            if (!string.IsNullOrWhiteSpace(MySqlSslMode) && !SslModes.Any(mode => string.Equals(mode.ToString(), MySqlSslMode.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"MYSQL_SSL_MODE='{MySqlSslMode}' is not a TLS mode. Allowed: {string.Join(", ", SslModes)}.";
            }
            else if (!string.IsNullOrEmpty(MySqlSslCaFile) && EffectiveMySqlSslMode() is not (MySqlConnector.MySqlSslMode.VerifyCA or MySqlConnector.MySqlSslMode.VerifyFull))
            {
                yield return "MYSQL_SSL_CA_FILE is set but MYSQL_SSL_MODE is not VerifyCA or VerifyFull: only those check the server's certificate against it.";
            }

            if (CertificateProblem("MYSQL_SSL_CA_FILE", MySqlSslCaFile) is { } ca) yield return ca;
        }

        if (VoteTokenLifetimeSeconds is < 1 or > MaxVoteTokenLifetimeSeconds)
        {
            yield return $"VOTE_TOKEN_LIFETIME_SECONDS={VoteTokenLifetimeSeconds} is out of range: 1 to {MaxVoteTokenLifetimeSeconds} (one day); " +
                         $"a token need only outlive the page that carries it (default {DefaultVoteTokenLifetimeSeconds}, 30 minutes).";
        }
    }
}
