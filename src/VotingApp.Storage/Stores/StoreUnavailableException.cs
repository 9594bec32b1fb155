namespace VotingApp.Storage.Stores;

/// <summary>The database behind storage could not take the operation; the caller gets 503 (504 when it may have applied it) and this message.</summary>
public sealed class StoreUnavailableException(string kind, string location, string reason, Exception inner, bool full = false)
    : Exception($"The {kind} store at {location} is {(full ? "full" : "unavailable")}: {reason}", inner)
{
    public string Kind { get; } = kind;

    /// <summary>Why, without the store's name and place: the driver's message, or a clearer one.</summary>
    public string Reason { get; } = reason;

    /// <summary>The store is full (Redis at maxmemory, a full disk): it refuses every write, and changes nothing, until it has room.</summary>
    public bool Full { get; } = full;

    /// <summary>A write that may have been applied before it failed: no answer in time, or the connection lost while it ran.</summary>
    public bool MayHaveApplied { get; init; }
}
