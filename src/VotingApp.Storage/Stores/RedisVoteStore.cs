using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;
using VotingApp.Contracts;

namespace VotingApp.Storage.Stores;

/// <summary>
/// Storage 1.0: one Redis hash, one field per option, HINCRBY for an atomic vote. A vote with a token is
/// one Lua script, which Redis runs atomically: the token's first answer is kept beside the count, with
/// an expiry, so a repeat is answered from it and the key goes away by itself after the token's lifetime.
/// Votes sent together go in one run of the same script.
/// </summary>
public sealed class RedisVoteStore(ConfigurationOptions options, X509Certificate2? certificateAuthority = null) : VoteStore, IAsyncDisposable
{
    private static readonly RedisKey CountsKey = "voting:counts";

    // Never exists: SET … XX on it writes nothing, yet Redis refuses it as it refuses a vote when it is full.
    private static readonly RedisKey RoomProbeKey = "voting:room-probe";
    private const string TokenKeyPrefix = "voting:token:";

    // KEYS[1] the counts, then each vote's token; ARGV[1] the tokens' lifetime in ms, then each vote's option.
    // Returns {repeated (0/1), count, option} for each vote in turn: for a repeat, the first vote's count and option.
    // Redis refuses a write for want of memory only as a script's first (src/script.c, scriptVerifyOOM: "otherwise
    // we can't stop in the middle"), so a full store counts none of the votes, never some.
    private const string CountEachOnce = """
        local answers = {}
        for i = 2, #KEYS do
          local first = redis.call('HMGET', KEYS[i], 'option', 'count')
          if first[1] then
            answers[#answers + 1] = 1; answers[#answers + 1] = tonumber(first[2]); answers[#answers + 1] = first[1]
          else
            local count = redis.call('HINCRBY', KEYS[1], ARGV[i], 1)
            redis.call('HSET', KEYS[i], 'option', ARGV[i], 'count', count)
            redis.call('PEXPIRE', KEYS[i], ARGV[1])
            answers[#answers + 1] = 0; answers[#answers + 1] = count; answers[#answers + 1] = ARGV[i]
          end
        end
        return answers
        """;

    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => ConnectionMultiplexer.ConnectAsync(options));
    private readonly CertificateCheck _certificates = CertificateCheck.Attach(options, certificateAuthority);

    public override string Kind => StoreNames.Redis;
    public override string Location { get; } = Describe(options.EndPoints.Single()) + (options.Ssl ? " (TLS)" : "");

    /// <summary>
    /// Reconnecting in the background, bounded waits, and the password and TLS that a managed Redis needs
    /// (Azure Cache for Redis: the access key as password, TLS on port 6380).
    /// </summary>
    public static ConfigurationOptions BuildOptions(StorageSettings settings) => new()
    {
        EndPoints = { { settings.RedisHost!, settings.RedisPort } },
        Password = settings.EffectiveRedisPassword(),
        Ssl = settings.RedisSsl,
        SslHost = settings.RedisSsl ? settings.RedisHost : null,
        // Start even while Redis is still starting, and keep reconnecting in the background.
        AbortOnConnectFail = false,
        ConnectTimeout = 2000,
        AsyncTimeout = 1000,
        SyncTimeout = 1000,
        // While disconnected, fail at once (503) instead of queueing votes that may never be sent.
        BacklogPolicy = BacklogPolicy.FailFast,
        ClientName = "voting-storage",
    };

    /// <summary>host:port, as the operator wrote it (a DnsEndPoint prints itself as "Unspecified/host:port").</summary>
    private static string Describe(System.Net.EndPoint endPoint) =>
        endPoint is System.Net.DnsEndPoint dns ? $"{dns.Host}:{dns.Port}" : endPoint.ToString() ?? "";

    private async Task<IDatabase> DatabaseAsync() => (await _connection.Value).GetDatabase();

    protected override async Task PrepareAsync(CancellationToken cancellationToken) => await (await DatabaseAsync()).PingAsync();

    protected override async Task<IReadOnlyDictionary<string, long>> ReadCountsAsync(IReadOnlyList<string> options, CancellationToken cancellationToken)
    {
        var fields = options.Select(option => (RedisValue)option).ToArray();
        var values = await (await DatabaseAsync()).HashGetAsync(CountsKey, fields);
        var counts = new Dictionary<string, long>(options.Count);
        for (var i = 0; i < options.Count; i++)
        {
            counts[options[i]] = values[i].IsNull ? 0 : (long)values[i];
        }

        return counts;
    }

    protected override async Task<long> IncrementAsync(string option, CancellationToken cancellationToken) =>
        await (await DatabaseAsync()).HashIncrementAsync(CountsKey, option);

    protected override async Task<StoredVote> IncrementOnceAsync(string option, string token, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await CountEachOnceAsync([(option, token)]))[0];

    /// <summary>Every vote of a batch in one script: one round trip, run whole between other commands; a failure fails them all alike.</summary>
    protected override async Task<IReadOnlyList<(StoredVote? Vote, StoreUnavailableException? Failure)>> IncrementEachOnceAsync(
        IReadOnlyList<(string Option, string Token)> votes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await GuardAsync(() => CountEachOnceAsync(votes), write: true);
            return [.. stored.Select(vote => ((StoredVote?)vote, (StoreUnavailableException?)null))];
        }
        catch (StoreUnavailableException e) when (e.Full)
        {
            // A full store still answers a repeat from its token (a read): each vote alone, as if sent alone.
            return await base.IncrementEachOnceAsync(votes, now, cancellationToken);
        }
        catch (StoreUnavailableException e)
        {
            return AllFailed(votes, e);
        }
    }

    /// <summary>One script: Redis runs it whole, between other commands, and writes it to the append-only file whole.</summary>
    private async Task<StoredVote[]> CountEachOnceAsync(IReadOnlyList<(string Option, string Token)> votes)
    {
        RedisKey[] keys = [CountsKey, .. votes.Select(vote => (RedisKey)(TokenKeyPrefix + vote.Token))];
        RedisValue[] values = [(long)TokenLifetime.TotalMilliseconds, .. votes.Select(vote => (RedisValue)vote.Option)];
        var result = (RedisResult[])(await (await DatabaseAsync()).ScriptEvaluateAsync(CountEachOnce, keys, values))!;
        return [.. votes.Select((_, i) => new StoredVote((string)result[3 * i + 2]!, (long)result[3 * i + 1], Repeated: (long)result[3 * i] == 1))];
    }

    /// <summary>Nothing to do: every token key carries its own expiry (PEXPIRE), and Redis deletes it.</summary>
    protected override Task<long> DeleteExpiredTokensAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(0L);

    protected override async Task ClearAsync(CancellationToken cancellationToken) =>
        await (await DatabaseAsync()).KeyDeleteAsync(CountsKey);

    /// <summary>A write that changes nothing: it answers while Redis can take a vote, and fails with OOM while it is full.</summary>
    protected override async Task PingCoreAsync(CancellationToken cancellationToken) =>
        await (await DatabaseAsync()).StringSetAsync(RoomProbeKey, "", when: When.Exists);

    protected override bool IsUnavailable(Exception exception) =>
        exception is RedisConnectionException or RedisTimeoutException
        || IsFull(exception)
        || (exception is RedisServerException server && (server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("NOAUTH", StringComparison.Ordinal) || server.Message.StartsWith("WRONGPASS", StringComparison.Ordinal)));

    /// <summary>"OOM command not allowed when used memory &gt; 'maxmemory'", from a command or from redis.call in the script.</summary>
    protected override bool IsFull(Exception exception) =>
        exception is RedisServerException server && server.Message.Contains("OOM command not allowed", StringComparison.Ordinal);

    /// <summary>Sent and not answered: the command may have run. Only a connection that was never there certainly sent nothing.</summary>
    protected override bool MayHaveApplied(Exception exception) =>
        exception is RedisTimeoutException
        || exception is RedisConnectionException { FailureType: not (ConnectionFailureType.UnableToConnect or ConnectionFailureType.UnableToResolvePhysicalConnection or ConnectionFailureType.AuthenticationFailure) };

    /// <summary>The driver says "authentication failure" for a refused certificate too: say which it was.</summary>
    protected override string Explain(Exception exception) =>
        _certificates.LastProblem is { } problem && exception is RedisConnectionException ? $"{problem} ({exception.Message})"
        : IsFull(exception) ? $"{exception.Message} (maxmemory reached with maxmemory-policy noeviction: raise maxmemory; votes count again once it has room)"
        : exception.Message;

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await (await _connection.Value).DisposeAsync();
        }
    }

    /// <summary>Remembers why the server's certificate was refused, for the error message.</summary>
    private sealed class CertificateCheck
    {
        public string? LastProblem { get; private set; }

        public static CertificateCheck Attach(ConfigurationOptions options, X509Certificate2? ca)
        {
            var check = new CertificateCheck();
            if (!options.Ssl) return check;
            options.CertificateValidation += (_, certificate, chain, errors) => check.Validate(certificate, errors, ca);
            return check;
        }

        private bool Validate(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2? ca)
        {
            var problem = errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) ? "the Redis server sent no TLS certificate"
                : errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) ? "the Redis server's TLS certificate is not for REDIS_HOST"
                : errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors) && !IsIssuedBy(certificate!, ca) ? ChainProblem(ca)
                : null;
            LastProblem = problem;
            return problem is null;
        }

        private static string ChainProblem(X509Certificate2? ca) => ca is null
            ? "the Redis server's TLS certificate is not trusted by this machine (set REDIS_SSL_CA_FILE to its certificate authority)"
            : $"the Redis server's TLS certificate is not issued by the certificate authority in REDIS_SSL_CA_FILE ({ca.Subject})";

        /// <summary>The chain ends in exactly <paramref name="ca"/>, the one authority the operator named.</summary>
        private static bool IsIssuedBy(X509Certificate certificate, X509Certificate2? ca)
        {
            if (ca is null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        }
    }
}
