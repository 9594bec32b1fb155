namespace VotingApp.Storage.Stores;

/// <summary>
/// A full store is logged once, when it is found full, and once more when it has room again: while it is full
/// every vote fails the same way, and a line per vote would bury everything else in the log.
/// </summary>
public static partial class StoreRoomLog
{
    /// <summary>Logs the first failure of a full store (Error), the ones after it at Debug.</summary>
    public static void Full(ILogger logger, VoteStore store, StoreUnavailableException e)
    {
        if (store.MarkFull()) LogFull(logger, $"The {store.Kind} store at {store.Location}", e.Reason);
        else LogStillFull(logger, e.Reason);
    }

    /// <summary>Called after the store took a write or a room probe: logs once that a full store has room again.</summary>
    public static void Room(ILogger logger, VoteStore store)
    {
        if (store.MarkRoom()) LogRoom(logger, $"The {store.Kind} store at {store.Location}");
    }

    [LoggerMessage(LogLevel.Error, "{Store} is full: votes are answered 503 (not counted) until it has room; logged once until then. {Reason}")]
    private static partial void LogFull(ILogger logger, string store, string reason);

    [LoggerMessage(LogLevel.Debug, "Vote store still full: {Reason}")]
    private static partial void LogStillFull(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Information, "{Store} has room again: votes are counted")]
    private static partial void LogRoom(ILogger logger, string store);
}
