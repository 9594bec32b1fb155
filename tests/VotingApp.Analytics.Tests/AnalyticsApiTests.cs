using System.Net;
using System.Net.Http.Json;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Analytics.Tests;

/// <summary>Analytics in memory (WebApplicationFactory) reading from a real storage process on SQLite.</summary>
public sealed class AnalyticsApiTests : IAsyncLifetime
{
    private readonly string _folder = RepositoryPaths.NewTempFolder("analytics-tests");
    private ServiceProcess _storage = null!;

    public async Task InitializeAsync() =>
        _storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "2.0", VotingChain.SqliteEnvironment(_folder));

    private static InMemoryService<Program> Analytics(string version, int storagePort) =>
        new(new Dictionary<string, string?>(VotingChain.Upstream("STORAGE", storagePort)) { ["VOTING_VERSION"] = version });

    [Theory]
    [InlineData("1.0", "Cats: 1 | Dogs: 2")]
    [InlineData("1.1", "Cats: 1/3 (33%) | Dogs: 2/3 (67%)")]
    public async Task Answers_in_the_original_samples_json_shape(string version, string text)
    {
        using (var storage = _storage.CreateClient())
        {
            (await storage.DeleteAsync("/api/votes")).Dispose();
            foreach (var option in new[] { "Cats", "Dogs", "Dogs" })
            {
                (await storage.PostAsJsonAsync("/api/votes", new VoteRequest(option), VotingJsonContext.Default.VoteRequest)).Dispose();
            }
        }

        await using var factory = Analytics(version, _storage.Port);
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/analytics");
        var json = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($$"""{"category1":{"name":"Cats","count":1},"category2":{"name":"Dogs","count":2},"text":"{{text}}","store":"sqlite"}""", json);
        Assert.Equal($"analytics/{version} storage/2.0", response.Headers.GetValues(VersionChain.HeaderName).Single());
    }

    [Fact]
    public async Task Storage_unreachable_gives_503_that_says_so()
    {
        await using var factory = Analytics("1.1", FreePort.Dead);
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/analytics");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("The vote counts could not be read; please try again.", problem);
        Assert.Matches("\"traceId\":\"[0-9a-f]{32}\"", problem);
        Assert.DoesNotContain("127.0.0.1", problem);
    }

    [Fact]
    public async Task Liveness_does_not_depend_on_storage_but_readiness_waits_for_its_first_answer()
    {
        await using var factory = Analytics("2.0", FreePort.Dead);
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Contains("voting_service_info", await client.GetStringAsync("/metrics"));
        // Never answered yet: a page through this analytics could not show results, so no traffic for it.
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }

    [Fact]
    public async Task Ready_once_storage_has_answered_and_stays_ready_when_it_goes_away()
    {
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "2.0", new Dictionary<string, string?>
        {
            ["STORAGE_BACKEND"] = "sqlite",
            ["SQLITE_PATH"] = Path.Combine(_folder, "ready.db"),
        });
        await using var factory = Analytics("1.1", storage.Port);
        using var client = factory.CreateClient();
        await Eventually.UntilAsync("analytics to become ready while storage answers",
            async () => (await client.GetAsync("/health/ready")).StatusCode, status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(30));

        // A later outage is shown to voters as "unavailable"; it does not take analytics out of rotation.
        storage.Kill();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _storage.DisposeAsync();
        RepositoryPaths.DeleteFolder(_folder);
    }
}
