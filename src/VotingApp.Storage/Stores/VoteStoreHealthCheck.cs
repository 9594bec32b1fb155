using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VotingApp.Storage.Stores;

/// <summary>Readiness: storage is ready only while its database answers and can take a vote (not full).</summary>
public sealed class VoteStoreHealthCheck(VoteStore store, ILogger<VoteStoreHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken);
            StoreRoomLog.Room(logger, store);
            return HealthCheckResult.Healthy($"{store.Kind} at {store.Location} answers");
        }
        catch (StoreUnavailableException e)
        {
            if (e.Full) StoreRoomLog.Full(logger, store, e);
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
