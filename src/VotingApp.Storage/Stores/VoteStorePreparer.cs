namespace VotingApp.Storage.Stores;

/// <summary>
/// Prepares the store (schema, first connection) in the background, the one way it is prepared, retrying
/// until its server answers, so that storage starts and reports "not ready" while its database is still
/// starting, instead of crashing and being restarted in a loop.
/// </summary>
public sealed partial class VoteStorePreparer(VoteStore store, ILogger<VoteStorePreparer> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await store.PrepareOnceAsync(stoppingToken);
                LogReady(store.Kind, store.Location, attempt);
                return;
            }
            catch (StoreUnavailableException e)
            {
                LogNotYet(e.Message, attempt);
                await Task.Delay(RetryDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Vote store {Kind} at {Location} is ready (attempt {Attempt})")]
    private partial void LogReady(string kind, string location, int attempt);

    [LoggerMessage(LogLevel.Warning, "Vote store not ready yet (attempt {Attempt}), retrying: {Reason}")]
    private partial void LogNotYet(string reason, int attempt);
}
