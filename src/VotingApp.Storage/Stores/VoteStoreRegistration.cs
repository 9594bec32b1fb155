using Microsoft.Extensions.Options;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.Storage.Stores;

public static class VoteStoreRegistration
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
        builder.Services.AddHostedService<VoteStorePreparer>();
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
}
