namespace VotingApp.AppHost;

/// <summary>
/// What <c>dotnet run --project src/VotingApp.AppHost -- --help</c> prints instead of starting anything:
/// the settings of the local run (the same table as docs/running-locally.md).
/// </summary>
public static class LocalRunHelp
{
    public static bool IsAsked(IEnumerable<string> args) =>
        args.Any(arg => arg is "--help" or "-h" or "-?" or "/?" or "help");

    public const string Text = """
        VotingApp local run: starts voting-storage, voting-analytics and voting-app as local processes (plus the
        Aspire dashboard), waits until they are ready and prints the voting page's URL. Ctrl+C stops everything.

        Usage: [SETTING=value ...] dotnet run --project src/VotingApp.AppHost [-- SETTING=value ...]

        Settings (environment variables, or SETTING=value arguments after --):
          APP_PORT              8080                 the port of the voting page (choose another when 8080 is taken)
          APP_VERSION           1.0                  1.0 or 2.0
          ANALYTICS_VERSION     1.1                  1.0 (plain counts), 1.1 or 2.0 (counts with percentages)
          STORAGE_VERSION       1.0 (2.0 with MySQL) 1.0 (Redis) or 2.0 (MySQL); either uses SQLite when no database is set
          REDIS_HOST, REDIS_PORT                     use this Redis server (storage 1.0); default port 6379
          MYSQL_HOST, MYSQL_PORT, MYSQL_USER,        use this MySQL or MariaDB server (storage 2.0); default port 3306,
            MYSQL_PASSWORD, MYSQL_DATABASE             database votes
          SQLITE_PATH           $TMPDIR/voting-storage.db   the SQLite file when no database server is set
          TITLE, VOTE1VALUE, VOTE2VALUE              the page's title and the two options (Voting App, Cats, Dogs)
          SHOWDETAILS, FEATUREFLAG  true, true       the page's footer: host, version and store; the feature-flag buttons
          any other setting of storage or the app    passed on (see README.md), e.g. MYSQL_SSL_MODE, LOG_FORMAT

        Ports: the page on APP_PORT; the dashboard on 15888, its OTLP receiver on 19888 and the AppHost's resource
        service on 20888 (src/VotingApp.AppHost/Properties/launchSettings.json). A wrong setting or a port in use
        stops the command at once with exit code 2 and a message that names it.

        Example: APP_PORT=8081 APP_VERSION=2.0 dotnet run --project src/VotingApp.AppHost
        More: docs/running-locally.md
        """;
}
