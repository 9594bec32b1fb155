using VotingApp.Testing;

namespace VotingApp.Browser.Tests;

/// <summary>
/// The README's run command, `dotnet run --project src/VotingApp.AppHost`, as the tests start it: the
/// build the tests use, and what the launch profile sets on free ports so that a developer's own run does
/// not collide.
/// </summary>
internal static class AppHostCommand
{
    public static string[] Arguments(params string[] after) =>
        ["run", "--project", RepositoryPaths.Combine("src", "VotingApp.AppHost"), "--no-build", "--no-launch-profile",
         "--configuration", RepositoryPaths.Configuration, .. after.Length == 0 ? Array.Empty<string>() : ["--", .. after]];

    public static Dictionary<string, string?> Environment(int appPort, string sqlitePath) => new()
    {
        ["APP_PORT"] = appPort.ToString(),
        ["SQLITE_PATH"] = sqlitePath,
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["DOTNET_ENVIRONMENT"] = "Development",
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.Next()}",
        ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}",
        ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}",
        ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
        // The test run's own settings must not choose a store or versions.
        ["REDIS_HOST"] = null, ["MYSQL_HOST"] = null, ["APP_VERSION"] = null, ["ANALYTICS_VERSION"] = null,
        ["STORAGE_VERSION"] = null,
    };
}
