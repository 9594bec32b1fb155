using System.Net;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

/// <summary>Storage in memory (WebApplicationFactory) on a local SQLite file: API shape and OpenAPI.</summary>
public sealed class StorageFactoryTests : IDisposable
{
    private readonly string _folder = RepositoryPaths.NewTempFolder("storage-sqlite");
    private readonly InMemoryService<Program> _factory;

    public StorageFactoryTests() => _factory = Storage(VotingChain.SqliteEnvironment(_folder));

    /// <summary>Storage 1.0 in memory with these settings, as an operator gives them.</summary>
    private static InMemoryService<Program> Storage(IReadOnlyDictionary<string, string?> settings) =>
        new(new Dictionary<string, string?>(settings) { ["VOTING_VERSION"] = "1.0" });

    [Fact]
    public async Task Sqlite_store_counts_and_reports_itself()
    {
        using var client = _factory.CreateClient();
        (await client.VoteAsync("Dogs")).Dispose();
        (await client.VoteAsync("Dogs")).Dispose();
        var counts = await client.CountsAsync();
        Assert.Equal("sqlite", counts.Store);
        Assert.Equal([new OptionCountJson("Cats", 0), new OptionCountJson("Dogs", 2)], counts.Options);
        Assert.Equal("storage/1.0", (await client.GetAsync("/api/votes")).Headers.GetValues(VersionChain.HeaderName).Single());
    }

    [Fact]
    public async Task OpenApi_document_describes_the_votes_api()
    {
        using var client = _factory.CreateClient();
        var document = await client.GetStringAsync("/openapi/v1.json");
        foreach (var expected in new[] { "\"/api/votes\"", "\"/api/store\"", "\"AddVote\"", "\"GetCounts\"", "\"ResetVotes\"", "\"GetStore\"" })
        {
            Assert.Contains(expected, document);
        }
    }

    [Fact]
    public async Task Readiness_checks_the_store()
    {
        using var client = _factory.CreateClient();
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    /// <summary>The other half: a store that does not answer (Redis on a port where nothing listens) is not ready, yet live.</summary>
    [Fact]
    public async Task Readiness_fails_while_the_store_is_down()
    {
        await using var factory = Storage(VotingChain.Upstream("REDIS", FreePort.Dead));
        using var client = factory.CreateClient();
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        // The status, then why: the probe's event names the store that does not answer.
        Assert.StartsWith("Unhealthy\nstore: The redis store at 127.0.0.1:", await ready.Content.ReadAsStringAsync());
        using var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    public void Dispose()
    {
        _factory.Dispose();
        RepositoryPaths.DeleteFolder(_folder);
    }
}
