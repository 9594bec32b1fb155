namespace VotingApp.Storage.Stores;

/// <summary>The database behind storage did not answer; the caller gets 503 and this message.</summary>
public sealed class StoreUnavailableException(string kind, string location, string reason, Exception inner)
    : Exception($"The {kind} store at {location} is unavailable: {reason}", inner)
{
    public string Kind { get; } = kind;
}
