using System.Diagnostics;
using System.Text.Json;
using MySqlConnector;
using VotingApp.Contracts;
using VotingApp.Testing;
using Xunit.Abstractions;

namespace VotingApp.Containers.Tests;

/// <summary>
/// The seven images built with scripts/build-images.sh and run with podman against real Redis and MariaDB
/// servers on the host's loopback, as the article runs them: the 1.0 chain, analytics swapped to 1.1, and
/// the 2.0 chain on MySQL. Every container runs non-root on a read-only root file system and must stop
/// cleanly on SIGTERM.
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class ContainerTests(ImagesFixture images, ITestOutputHelper output)
{
    /// <summary>podman stop waits this long after SIGTERM before it kills (exit code 137).</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    [SkippableFact]
    public async Task Seven_images_are_built_each_with_its_version_labels_and_non_root_user()
    {
        var built = await images.ImagesAsync();
        output.WriteLine($"Preparing podman and building the seven images took {built.Elapsed.TotalSeconds:0} s.\n{built.Sizes}");
        foreach (var service in ServiceCatalog.All)
        {
            foreach (var version in service.Versions)
            {
                var image = $"{service.Name}:{version}";
                var inspected = await ContainerSet.PodmanAsync("image", "inspect", "--format",
                    "{{range .Config.Env}}{{.}};{{end}}|{{json .Config.Labels}}|{{.Config.User}}|{{range $port, $_ := .Config.ExposedPorts}}{{$port}} {{end}}", image);
                var parts = inspected.EnsureSuccess().Output.Trim().Split('|');
                var labels = JsonSerializer.Deserialize<Dictionary<string, string>>(parts[1]) ?? [];
                var user = parts[2];

                Assert.Contains($"VOTING_VERSION={version}", parts[0].Split(';'));
                Assert.Equal(service.Name, labels.GetValueOrDefault("org.opencontainers.image.title"));
                Assert.Equal(version, labels.GetValueOrDefault("org.opencontainers.image.version"));
                Assert.False(string.IsNullOrEmpty(labels.GetValueOrDefault("org.opencontainers.image.revision")), $"{image} has no revision label");
                Assert.False(string.IsNullOrEmpty(labels.GetValueOrDefault("org.opencontainers.image.source")), $"{image} has no source label");
                Assert.True(int.TryParse(user, out var uid) && uid > 0, $"{image} runs as user '{user}', not a non-root user id");
                Assert.Contains("8080/tcp", parts[3]);
            }
        }
    }

    [SkippableFact]
    public async Task Building_a_version_the_service_does_not_have_fails()
    {
        await images.ImagesAsync();
        var pull = ContainerFiles.BaseImageScript is null ? Array.Empty<string>() : ["--pull=never"];
        // 1.1 is a version of analytics only: the app and storage must refuse it; analytics refuses 3.0.
        foreach (var (service, version) in new[] { (ServiceCatalog.App, "1.1"), (ServiceCatalog.Analytics, "3.0"), (ServiceCatalog.Storage, "1.1") })
        {
            var tag = $"votingtest-{RunId.Value}-bad-{service.ShortName}:{version}";
            var build = await ChildProcess.RunAsync("podman",
                ["build", .. pull, "-f", ContainerFiles.Dockerfile(service), "--build-arg", $"VERSION={version}", "-t", tag, "."],
                TimeSpan.FromMinutes(10));
            Assert.False(build.Succeeded, $"building {service.Name} with VERSION={version} succeeded");
            Assert.Contains($"VERSION='{version}' is not a version of {service.Name}", build.Output + build.Error);
            Assert.False((await ContainerSet.PodmanAsync("image", "exists", tag)).Succeeded, $"{tag} exists");
        }
    }

    [SkippableFact]
    public async Task Chain_1_0_on_Redis_counts_votes_then_analytics_1_1_adds_percentages()
    {
        await images.ImagesAsync();
        var watch = Stopwatch.StartNew();
        await using var redis = await RedisServer.StartAsync();
        await using var containers = new ContainerSet();

        var storage = await containers.StartAsync(ServiceCatalog.Storage, "1.0", new Dictionary<string, string>
        {
            ["REDIS_HOST"] = redis.Host,
            ["REDIS_PORT"] = redis.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await storage.WaitUntilAsync("/health/ready", TimeSpan.FromSeconds(60));
        var analytics = await containers.StartAsync(ServiceCatalog.Analytics, "1.0", UpstreamStorage(storage));
        var app = await containers.StartAsync(ServiceCatalog.App, "1.0", Upstreams(analytics, storage));
        foreach (var container in new[] { storage, analytics, app })
        {
            await CheckRunningContainerAsync(container);
        }

        using var client = app.CreateClient();
        await VoteAsync(client, ("Cats", 2), ("Dogs", 4));
        Assert.Equal("<div id=\"results\"> Cats: 2 | Dogs: 4 </div>", await ResultsLineAsync(client));

        // The article's second step: analytics 1.1 in place of 1.0, on the port the app already uses.
        await CheckStopsCleanlyAsync(analytics);
        var analytics11 = await containers.StartAsync(ServiceCatalog.Analytics, "1.1", UpstreamStorage(storage), analytics.Port);
        await CheckRunningContainerAsync(analytics11);
        Assert.Equal("<div id=\"results\"> Cats: 2/6 (33%) | Dogs: 4/6 (67%) </div>", await ResultsLineAsync(client));
        using (var response = await client.GetAsync("/"))
        {
            Assert.Equal("app/1.0 analytics/1.1 storage/1.0", string.Join(",", response.Headers.GetValues("x-voting-chain")));
        }

        foreach (var container in new[] { app, analytics11, storage })
        {
            await CheckStopsCleanlyAsync(container);
        }

        output.WriteLine($"1.0 chain and analytics 1.1: {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [SkippableFact]
    public async Task Chain_2_0_on_MariaDB_counts_votes_and_shows_MySQL_in_the_footer()
    {
        await images.ImagesAsync();
        var watch = Stopwatch.StartNew();
        await using var mariaDb = await MariaDbServer.StartAsync();
        await using var containers = new ContainerSet();

        var storage = await containers.StartAsync(ServiceCatalog.Storage, "2.0",
            mariaDb.StorageEnvironment("containers").ToDictionary(pair => pair.Key, pair => pair.Value ?? ""));
        await storage.WaitUntilAsync("/health/ready", TimeSpan.FromSeconds(60));
        var analytics = await containers.StartAsync(ServiceCatalog.Analytics, "2.0", UpstreamStorage(storage));
        var app = await containers.StartAsync(ServiceCatalog.App, "2.0",
            new Dictionary<string, string>(Upstreams(analytics, storage)) { ["SHOWDETAILS"] = "true" });
        foreach (var container in new[] { storage, analytics, app })
        {
            await CheckRunningContainerAsync(container);
        }

        using var client = app.CreateClient();
        await VoteAsync(client, ("Cats", 3), ("Dogs", 1));
        var page = await client.GetStringAsync("/");
        Assert.Equal("<div id=\"results\"> Cats: 3/4 (75%) | Dogs: 1/4 (25%) </div>", VotingPageReader.ResultsLine(page).Trim());
        var footer = page.Split('\n').Single(line => line.Contains("id=\"details\"", StringComparison.Ordinal));
        Assert.Contains("App version: 2.0", footer);
        Assert.Contains("Store: mysql", footer);

        // The votes are in MariaDB, not somewhere in the container.
        await using (var connection = mariaDb.Connect("containers"))
        {
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT vote_count FROM vote_counts WHERE option_name = 'Cats'", connection);
            Assert.Equal(3L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var container in new[] { app, analytics, storage })
        {
            await CheckStopsCleanlyAsync(container);
        }

        output.WriteLine($"2.0 chain on MariaDB: {watch.Elapsed.TotalSeconds:0.0} s");
    }

    [SkippableFact]
    public async Task Containers_are_removed_when_a_test_fails()
    {
        await images.ImagesAsync();
        string name;
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var containers = new ContainerSet();
            // Storage 1.0 without REDIS_HOST stops at once with exit code 2: the start fails.
            await containers.StartAsync(ServiceCatalog.Storage, "1.0", new Dictionary<string, string>());
        });
        name = failed.Message.Split(' ').First(word => word.StartsWith("(votingtest-", StringComparison.Ordinal)).Trim('(', ')');
        Assert.Contains("REDIS_HOST", failed.Message);
        Assert.False((await ContainerSet.PodmanAsync("container", "exists", name)).Succeeded, $"{name} was left behind");
    }

    private static Dictionary<string, string> UpstreamStorage(ServiceContainer storage) => new()
    {
        ["STORAGE_HOST"] = "127.0.0.1",
        ["STORAGE_PORT"] = storage.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static Dictionary<string, string> Upstreams(ServiceContainer analytics, ServiceContainer storage) => new(UpstreamStorage(storage))
    {
        ["ANALYTICS_HOST"] = "127.0.0.1",
        ["ANALYTICS_PORT"] = analytics.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static async Task VoteAsync(HttpClient app, params (string Option, int Times)[] votes)
    {
        foreach (var (option, times) in votes)
        {
            for (var i = 0; i < times; i++)
            {
                Assert.Equal(303, await VotingPageReader.VoteAsync(app, option));
            }
        }
    }

    private static async Task<string> ResultsLineAsync(HttpClient app) =>
        VotingPageReader.ResultsLine(await app.GetStringAsync("/")).Trim();

    /// <summary>
    /// Its version, a non-root process, and a file system where nothing outside /tmp can be written, not even
    /// by root: tried in every folder by the write probe, after the service started and answered.
    /// </summary>
    private async Task CheckRunningContainerAsync(ServiceContainer container)
    {
        Assert.Equal((container.Service.Name, container.Version), await container.VersionAsync());
        var uid = await container.ProcessUserIdAsync();
        Assert.True(uid != 0, $"{container} runs as root");
        Assert.Equal((await container.InspectAsync("{{.Config.User}}")).Trim(), uid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var folders = await container.TryWritingEverywhereAsync();
        Assert.Contains(folders, folder => folder.Folder == "/app"); // the probe did reach the service's own files
        Assert.Contains(("/tmp", 0), folders);
        var notRefused = folders.Where(folder => folder.Folder != "/tmp" && !folder.Folder.StartsWith("/tmp/", StringComparison.Ordinal))
            .Where(folder => folder.Errno != WriteProbe.ReadOnlyFileSystem).ToList();
        Assert.True(notRefused.Count == 0,
            $"{container}: outside /tmp, these folders were not refused as read-only (errno 0: written): {string.Join(", ", notRefused)}");
        var logs = await container.LogsAsync();
        Assert.DoesNotContain("Read-only file system", logs);
        output.WriteLine($"{container}: port {container.Port}, uid {uid}, {folders.Count} folders, none writable but /tmp");
    }

    /// <summary>SIGTERM (podman stop): the service must end by itself with exit code 0 before podman kills it.</summary>
    private async Task CheckStopsCleanlyAsync(ServiceContainer container)
    {
        var (exitCode, elapsed) = await container.StopAsync(StopGrace);
        Assert.True(exitCode == 0,
            $"{container} exited {exitCode} on SIGTERM after {elapsed.TotalSeconds:0.0} s (137: killed after {StopGrace.TotalSeconds:0} s):\n{await container.LogsAsync()}");
        output.WriteLine($"{container}: stopped on SIGTERM in {elapsed.TotalSeconds:0.0} s, exit code 0");
    }
}
