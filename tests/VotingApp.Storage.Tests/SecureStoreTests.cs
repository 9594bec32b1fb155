using System.Net;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

/// <summary>
/// The stores as managed services run them (Azure Cache for Redis: a password and TLS on 6380; Azure
/// Database for MySQL: require_secure_transport=ON), on a real redis-server with requirepass and a TLS-only
/// port and a real MariaDB that refuses plain connections, with certificates made by openssl for the test.
/// Storage connects and counts; a wrong password, an untrusted certificate or no TLS leave it running,
/// "not ready", with the reason in its 503s and its log.
/// </summary>
public sealed class SecureStoreTests(SecureStoreTests.Servers servers) : IClassFixture<SecureStoreTests.Servers>
{
    private const string RedisPassword = "test-only-redis-password";

    /// <summary>The certificates, a TLS-only Redis with a password and a TLS-only MariaDB, once for the class.</summary>
    public sealed class Servers : IAsyncLifetime
    {
        public TestCertificates Certificates { get; private set; } = null!;
        public RedisServer Redis { get; private set; } = null!;
        public MariaDbServer MariaDb { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Certificates = await TestCertificates.CreateAsync();
            Redis = await RedisServer.StartAsync(RedisPassword, Certificates);
            MariaDb = await MariaDbServer.StartAsync(Certificates);
        }

        public async Task DisposeAsync()
        {
            await Redis.DisposeAsync();
            await MariaDb.DisposeAsync();
            Certificates.Dispose();
        }
    }

    private Dictionary<string, string?> Redis(params (string Key, string? Value)[] changes) => Change(servers.Redis.StorageEnvironment(), changes);

    private Dictionary<string, string?> MySql(params (string Key, string? Value)[] changes) =>
        Change(servers.MariaDb.StorageEnvironment("votes_tls_" + Guid.NewGuid().ToString("N")[..8]), changes);

    private static Dictionary<string, string?> Change(IReadOnlyDictionary<string, string?> environment, (string Key, string? Value)[] changes)
    {
        var changed = new Dictionary<string, string?>(environment);
        foreach (var (key, value) in changes) changed[key] = value;
        return changed;
    }

    [Fact]
    public async Task Storage_1_0_counts_on_Redis_with_a_password_over_TLS()
    {
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", Redis());
        await AssertCountsAsync(storage, "redis");
        Assert.DoesNotContain(RedisPassword, storage.Output);
    }

    [Fact]
    public async Task Storage_1_0_takes_the_password_as_REDIS_PWD_too()
    {
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0",
            Redis(("REDIS_PASSWORD", null), ("REDIS_PWD", RedisPassword)));
        await AssertCountsAsync(storage, "redis");
    }

    [Fact]
    public async Task Storage_1_0_takes_the_password_from_a_file()
    {
        var file = Path.Combine(RepositoryPaths.NewTempFolder("redis-password"), "password");
        await File.WriteAllTextAsync(file, RedisPassword + "\n");
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0",
            Redis(("REDIS_PASSWORD", null), ("REDIS_PASSWORD_FILE", file)));
        await AssertCountsAsync(storage, "redis");
    }

    [Fact]
    public async Task A_wrong_Redis_password_is_not_ready_with_a_clear_reason()
    {
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", Redis(("REDIS_PASSWORD", "not-the-password")));
        await AssertNotReadyAsync(storage, "authentication");
        Assert.DoesNotContain("not-the-password", storage.Output);
    }

    [Fact]
    public async Task An_untrusted_Redis_certificate_is_not_ready_with_a_clear_reason()
    {
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", Redis(("REDIS_SSL_CA_FILE", servers.Certificates.UntrustedCaFile)));
        await AssertNotReadyAsync(storage, "TLS certificate is not issued by the certificate authority in REDIS_SSL_CA_FILE");
    }

    [Fact]
    public async Task A_Redis_certificate_the_machine_does_not_trust_is_not_ready_without_a_CA_file()
    {
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", Redis(("REDIS_SSL_CA_FILE", null)));
        await AssertNotReadyAsync(storage, "TLS certificate is not trusted by this machine");
    }

    [Fact]
    public async Task Storage_2_0_counts_on_MariaDB_that_requires_TLS_verifying_its_certificate()
    {
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "2.0", MySql());
        await AssertCountsAsync(storage, "mysql");
    }

    [Fact]
    public async Task Without_TLS_MariaDB_with_require_secure_transport_refuses_and_storage_is_not_ready()
    {
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "2.0",
            MySql(("MYSQL_SSL_MODE", "None"), ("MYSQL_SSL_CA_FILE", null)));
        await AssertNotReadyAsync(storage, "require_secure_transport");
    }

    [Fact]
    public async Task An_untrusted_MariaDB_certificate_is_not_ready()
    {
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "2.0",
            MySql(("MYSQL_SSL_MODE", "VerifyCA"), ("MYSQL_SSL_CA_FILE", servers.Certificates.UntrustedCaFile)));
        await AssertNotReadyAsync(storage, "the server's TLS certificate was refused");
    }

    private static async Task AssertCountsAsync(ServiceProcess storage, string store)
    {
        // Live is not ready: on a loaded machine the TLS store may not be prepared yet, and a vote then gets 503.
        await storage.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        using var client = storage.CreateClient();
        await client.ResetAsync();
        (await client.VoteAsync("Cats")).EnsureSuccessStatusCode().Dispose();
        (await client.VoteAsync("Dogs", VoteToken.New())).EnsureSuccessStatusCode().Dispose();
        Assert.Equal((1, 1), await client.CatsAndDogsAsync());
        Assert.Equal(store, (await client.CountsAsync()).Store);
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    /// <summary>
    /// Up, not ready, a 503 for a read that says only that the store is unavailable (with a trace id: how the
    /// store is set up is not for callers), and the reason in the log.
    /// </summary>
    private static async Task AssertNotReadyAsync(ServiceProcess storage, string reason)
    {
        using var client = storage.CreateClient();
        // The first attempt at the store has failed (waited for in the log, however slow the machine).
        await storage.AssertLoggedAsync("Vote store not ready yet", TimeSpan.FromSeconds(60));
        using (var ready = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        }

        using var read = await client.GetAsync("/api/votes");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        var detail = await read.Content.ReadAsStringAsync();
        Assert.Contains("the store is unavailable", detail);
        Assert.Contains("traceId", detail);
        Assert.False(detail.Contains(reason, StringComparison.OrdinalIgnoreCase), $"'{reason}' is in the answer: {detail}");
        // A busy machine may first time out the connection; the store's own reason follows in a later attempt.
        await storage.AssertLoggedAsync(reason, TimeSpan.FromSeconds(60), StringComparison.OrdinalIgnoreCase);
        Assert.False(storage.HasExited, storage.Output);
    }
}
