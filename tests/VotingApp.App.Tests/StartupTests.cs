using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.App.Tests;

/// <summary>
/// A missing or invalid setting stops the service (exit code 2) with a message that names it: checked on
/// the real process, because that is what an operator sees in `kubectl logs`.
/// </summary>
public class StartupTests
{
    [Theory]
    [InlineData("1.0", "TITLE", "", "TITLE must not be empty")]
    [InlineData("1.0", "ANALYTICS_PORT", "70000", "ANALYTICS_PORT=70000 is not a port number")]
    [InlineData("1.0", "STORAGE_HOST", "bad host!", "STORAGE_HOST='bad host!' is not a host name")]
    [InlineData("1.0", "VOTE2VALUE", "Cats", "VOTE1VALUE and VOTE2VALUE are both 'Cats'")]
    [InlineData("1.0", "SHOWDETAILS", "yes", "SHOWDETAILS='yes' is not true or false.")]
    [InlineData("1.0", "STORAGE_PORT", "abc", "STORAGE_PORT='abc' is not a port number (1-65535).")]
    [InlineData("3.0", "TITLE", "Pets", "VOTING_VERSION='3.0' is not a version of voting-app. Allowed: 1.0, 2.0.")]
    [InlineData("1.1", "TITLE", "Pets", "VOTING_VERSION='1.1' is not a version of voting-app. Allowed: 1.0, 2.0.")]
    [InlineData("", "TITLE", "Pets", "VOTING_VERSION is not set.")]
    public Task Invalid_setting_stops_the_app_naming_it(string version, string key, string value, string expected) =>
        ServiceProcess.AssertRefusesToStartAsync(ServiceCatalog.App, version, key, value, expected);
}
