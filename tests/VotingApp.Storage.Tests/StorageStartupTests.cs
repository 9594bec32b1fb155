using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

public class StorageStartupTests
{
    [Theory]
    [InlineData("1.0", "STORAGE_BACKEND", "mysql", "STORAGE_BACKEND='mysql' does not fit voting-storage 1.0, which keeps votes in redis")]
    [InlineData("1.0", "STORAGE_BACKEND", "postgres", "STORAGE_BACKEND='postgres' does not fit voting-storage 1.0")]
    [InlineData("1.0", "REDIS_PORT", "6379", "REDIS_HOST is not set")]
    [InlineData("2.0", "MYSQL_HOST", "db", "MYSQL_USER is not set")]
    [InlineData("2.0", "MYSQL_PORT", "abc", "MYSQL_PORT='abc' is not a port number (1-65535).")]
    [InlineData("1.0", "REDIS_PORT", "abc", "REDIS_PORT='abc' is not a port number (1-65535).")]
    [InlineData("1.1", "REDIS_HOST", "r", "VOTING_VERSION='1.1' is not a version of voting-storage. Allowed: 1.0, 2.0.")]
    [InlineData("2.0", "MYSQL_SSL_MODE", "Sometimes", "MYSQL_SSL_MODE='Sometimes' is not a TLS mode. Allowed: None, Preferred, Required, VerifyCA, VerifyFull.")]
    [InlineData("2.0", "MYSQL_SSL_CA_FILE", "/etc/hostname", "MYSQL_SSL_CA_FILE is set but MYSQL_SSL_MODE is not VerifyCA or VerifyFull")]
    [InlineData("1.0", "REDIS_SSL_CA_FILE", "/etc/hostname", "REDIS_SSL_CA_FILE is set but REDIS_SSL is not true")]
    [InlineData("1.0", "REDIS_SSL", "maybe", "REDIS_SSL='maybe' is not true or false.")]
    [InlineData("1.0", "REDIS_PASSWORD_FILE", "/nonexistent/voting-redis/password", "REDIS_PASSWORD_FILE='/nonexistent/voting-redis/password' cannot be read")]
    [InlineData("1.0", "VOTE_TOKEN_LIFETIME_SECONDS", "0", "VOTE_TOKEN_LIFETIME_SECONDS=0 is out of range: 1 to 86400 (one day)")]
    [InlineData("1.0", "VOTE_TOKEN_LIFETIME_SECONDS", "86401", "VOTE_TOKEN_LIFETIME_SECONDS=86401 is out of range: 1 to 86400 (one day)")]
    public Task Invalid_setting_stops_storage_naming_it(string version, string key, string value, string expected) =>
        ServiceProcess.AssertRefusesToStartAsync(ServiceCatalog.Storage, version, key, value, expected);

    [Fact]
    public async Task Two_redis_passwords_at_once_stop_storage_without_showing_them()
    {
        var environment = new Dictionary<string, string?>
        {
            ["REDIS_HOST"] = "127.0.0.1", ["REDIS_PASSWORD"] = "first-secret", ["REDIS_PWD"] = "second-secret",
        };
        await using var process = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", environment, waitUntilLive: false);
        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await process.AssertLoggedAsync("REDIS_PASSWORD and REDIS_PWD are both set: set one of them");
        Assert.DoesNotContain("secret", process.Output);
    }

    [Fact]
    public async Task A_CA_file_that_is_not_a_certificate_stops_storage()
    {
        var environment = new Dictionary<string, string?>
        {
            ["REDIS_HOST"] = "127.0.0.1", ["REDIS_SSL"] = "true", ["REDIS_SSL_CA_FILE"] = "/etc/hostname",
        };
        await using var process = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", environment, waitUntilLive: false);
        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await process.AssertLoggedAsync("REDIS_SSL_CA_FILE='/etc/hostname' is not a readable certificate");
    }
}
