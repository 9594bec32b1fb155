namespace VotingApp.Storage.Stores;

/// <summary>The database behind storage did not answer; the caller gets 503 and this message.</summary>
public sealed class StoreUnavailableException(string kind, string location, Exception inner)
    : Exception($"The {kind} store at {location} is unavailable: {inner.Message}", inner)
{
    public string Kind { get; } = kind;
}
