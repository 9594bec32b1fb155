using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

/// <summary>
/// Storage 2.0 reads its MySQL password from a mounted Secret file (MYSQL_PASSWORD_FILE), as the
/// Kubernetes manifests give it, against a real MariaDB: the file's trailing line break is not part of the
/// password, and a missing file or both settings at once stop it with a message that names the setting.
/// </summary>
[Collection(DatabaseCollection.Name)]
public class PasswordFileTests(DatabaseServers servers)
{
    [Fact]
    public async Task Votes_are_counted_with_the_password_read_from_a_file()
    {
        var file = Path.Combine(RepositoryPaths.NewTempFolder("password-file"), "password");
        // A file written by `kubectl create secret --from-file` or an editor often ends in a line break.
        await File.WriteAllTextAsync(file, MariaDbServer.Password + "\n");
        var environment = new Dictionary<string, string?>(servers.MariaDb.StorageEnvironment("votes_file_" + Guid.NewGuid().ToString("N")[..8]))
        {
            ["MYSQL_PASSWORD"] = null,
            ["MYSQL_PASSWORD_FILE"] = file,
        };

        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "2.0", environment);
        using var client = storage.CreateClient();
        await client.ResetAsync();
        (await client.VoteAsync("Cats")).EnsureSuccessStatusCode().Dispose();
        Assert.Equal((1, 0), await client.CatsAndDogsAsync());
    }

    [Fact]
    public async Task A_wrong_password_in_the_file_is_not_ready_rather_than_counted()
    {
        var file = Path.Combine(RepositoryPaths.NewTempFolder("password-file"), "password");
        await File.WriteAllTextAsync(file, "not-the-password\n");
        var environment = new Dictionary<string, string?>(servers.MariaDb.StorageEnvironment("votes"))
        {
            ["MYSQL_PASSWORD"] = null,
            ["MYSQL_PASSWORD_FILE"] = file,
        };

        // The file is read: the server refuses this password, so storage stays up but not ready.
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "2.0", environment);
        using var client = storage.CreateClient();
        await storage.AssertLoggedAsync("Vote store not ready yet", TimeSpan.FromSeconds(60));
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public Task A_missing_password_file_stops_storage_naming_it() =>
        ServiceProcess.AssertRefusesToStartAsync(ServiceCatalog.Storage, "2.0", "MYSQL_PASSWORD_FILE", "/nonexistent/voting-mysql/password",
            "MYSQL_PASSWORD_FILE='/nonexistent/voting-mysql/password' cannot be read");

    [Fact]
    public async Task Both_password_settings_stop_storage()
    {
        var environment = new Dictionary<string, string?>
        {
            ["MYSQL_HOST"] = "127.0.0.1", ["MYSQL_USER"] = "voting", ["MYSQL_PASSWORD"] = "x", ["MYSQL_PASSWORD_FILE"] = "/etc/hostname",
        };
        await using var process = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "2.0", environment, waitUntilLive: false);
        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await process.AssertLoggedAsync("MYSQL_PASSWORD and MYSQL_PASSWORD_FILE are both set");
    }
}
