using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VotingApp.Storage.Stores;

/// <summary>Readiness: storage is ready only while its database answers a trivial query.</summary>
public sealed class VoteStoreHealthCheck(VoteStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{store.Kind} at {store.Location} answers");
        }
        catch (StoreUnavailableException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
