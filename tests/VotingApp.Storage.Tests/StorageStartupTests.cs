using VotingApp.ServiceDefaults;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

public class StorageStartupTests
{
    [Theory]
    [InlineData("1.0", "STORAGE_BACKEND", "mysql", "STORAGE_BACKEND='mysql' does not fit voting-storage 1.0, which keeps votes in redis")]
    [InlineData("1.0", "STORAGE_BACKEND", "postgres", "STORAGE_BACKEND='postgres' does not fit voting-storage 1.0")]
    [InlineData("1.0", "REDIS_PORT", "6379", "REDIS_HOST is not set")]
    [InlineData("2.0", "MYSQL_HOST", "db", "MYSQL_USER is not set")]
    [InlineData("2.0", "MYSQL_PORT", "abc", "MYSQL_PORT")]
    [InlineData("1.1", "REDIS_HOST", "r", "VOTING_VERSION='1.1' is not a version of voting-storage. Allowed: 1.0, 2.0.")]
    public Task Invalid_setting_stops_storage_naming_it(string version, string key, string value, string expected) =>
        ServiceProcess.AssertRefusesToStartAsync(VotingService.Storage, version, key, value, expected);
}
