using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace VotingApp.App.Page;

/// <summary>
/// At most RESET_LIMIT_PER_MINUTE resets a minute from one client, keyed like the request budget on the
/// client's parsed address (<see cref="VotingApp.ServiceDefaults.ForwardedClient"/>): the rate limiter's own
/// fixed window, for the one form value of POST / that clears everyone's votes.
/// </summary>
public sealed class ResetThrottle(IOptions<AppSettings> settings) : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.Value.ResetLimitPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Null when the client may reset now; else how long it must wait.</summary>
    public TimeSpan? WaitFor(IPAddress client)
    {
        using var lease = _limiter.AttemptAcquire(client);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}
