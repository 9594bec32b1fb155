using VotingApp.Contracts;

namespace VotingApp.AppHost;

/// <summary>
/// Each service's own settings (its options classes; tests check the lists against them), which the local
/// run passes on from its configuration. Not those the AppHost sets itself (the neighbours' addresses) nor
/// those every service shares (logging, faults, rate limits).
/// </summary>
public static class PassedOnSettings
{
    public static readonly IReadOnlyList<string> App =
        ["TITLE", "SHOWDETAILS", "FEATUREFLAG", "RESET_ENABLED", "RESET_LIMIT_PER_MINUTE", .. Ballot.Settings];

    public static readonly IReadOnlyList<string> Storage =
    [
        "STORAGE_BACKEND", "REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD", "REDIS_PWD", "REDIS_PASSWORD_FILE", "REDIS_SSL",
        "REDIS_SSL_CA_FILE", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_USER", "MYSQL_PASSWORD", "MYSQL_PASSWORD_FILE",
        "MYSQL_DATABASE", "MYSQL_SSL_MODE", "MYSQL_SSL_CA_FILE", "VOTE_TOKEN_LIFETIME_SECONDS", "SQLITE_PATH",
        .. Ballot.Settings,
    ];
}
