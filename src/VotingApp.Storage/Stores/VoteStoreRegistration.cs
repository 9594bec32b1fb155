using Microsoft.Extensions.Options;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.Storage.Stores;

public static partial class VoteStoreRegistration
{
    /// <summary>
    /// The validated settings, the one store this version uses, a background task that prepares it as
    /// soon as its server answers, and the readiness check that says whether it answers now.
    /// </summary>
    public static void AddVoteStore(this WebApplicationBuilder builder, ServiceIdentity identity)
    {
        builder.Services.AddValidatedSettings<Ballot>(ballot => ballot.Problems()).Bind(builder.Configuration);
        builder.Services.AddValidatedSettings<StorageSettings>(settings => settings.Problems(identity)).Bind(builder.Configuration);
        builder.Services.AddSingleton(provider => CreateStore(provider.GetRequiredService<IOptions<StorageSettings>>().Value, identity));
        // Prepared in the background, retried until its server answers: storage runs "not ready" while its database starts.
        builder.Services.AddWarmupStep("Vote store", async (provider, cancellationToken) =>
        {
            var store = provider.GetRequiredService<VoteStore>();
            var notReady = await store.TryPrepareAsync(cancellationToken);
            if (notReady is null) LogReady(provider.GetRequiredService<ILogger<VoteStore>>(), store.Kind, store.Location);
            return notReady;
        });
        builder.Services.AddHostedService<VoteTokenPurger>();
        builder.Services.AddSingleton<StorageMetrics>();
        builder.Services.AddHealthChecks().AddCheck<VoteStoreHealthCheck>("store", tags: ["store"]);
    }

    private static VoteStore CreateStore(StorageSettings settings, ServiceIdentity identity) =>
        settings.EffectiveBackend(identity) switch
        {
            StorageSettings.Redis => new RedisVoteStore(RedisVoteStore.BuildOptions(settings), settings.RedisCertificateAuthority())
            {
                TokenLifetime = settings.VoteTokenLifetime,
            },
            StorageSettings.MySql => new MySqlVoteStore(MySqlVoteStore.BuildConnectionString(settings)) { TokenLifetime = settings.VoteTokenLifetime },
            _ => new SqliteVoteStore(settings.SqlitePath ?? Path.Combine(Path.GetTempPath(), "voting-storage.db"))
            {
                TokenLifetime = settings.VoteTokenLifetime,
            },
        };

    [LoggerMessage(LogLevel.Information, "Vote store {Kind} at {Location} is ready")]
    private static partial void LogReady(ILogger logger, string kind, string location);
}
