namespace VotingApp.Storage.Stores;

/// <summary>
/// Deletes expired vote tokens now and then, so that the token table never grows beyond the tokens of
/// one lifetime (Redis expires its token keys by itself). Every storage pod does it; the deletes are
/// idempotent. A store that is down is simply tried again at the next round.
/// </summary>
public sealed partial class VoteTokenPurger(VoteStore store, ILogger<VoteTokenPurger> logger) : BackgroundService
{
    private static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Twice per lifetime (a 2 s lifetime in a test is purged within a second of expiring), at most every 5 min.
        var pause = TimeSpan.FromTicks(Math.Min(LongestPause.Ticks, Math.Max(TimeSpan.FromMilliseconds(500).Ticks, store.TokenLifetime.Ticks / 2)));
        using var timer = new PeriodicTimer(pause);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
                if (!store.IsPrepared) continue;
                var deleted = await store.PurgeExpiredTokensAsync(stoppingToken);
                if (deleted > 0) LogPurged(deleted);
            }
            catch (StoreUnavailableException e)
            {
                LogNotPurged(e.Message);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(LogLevel.Debug, "Deleted {Count} expired vote tokens")]
    private partial void LogPurged(long count);

    [LoggerMessage(LogLevel.Debug, "Expired vote tokens not deleted this time: {Reason}")]
    private partial void LogNotPurged(string reason);
}
