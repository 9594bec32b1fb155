namespace VotingApp.ServiceDefaults;

/// <summary>A service of the voting sample and the versions its single source tree can be built as.</summary>
public sealed record VotingService(string Name, IReadOnlyList<string> Versions)
{
    /// <summary>The voting web page (2.0 is the canary that the feature-flag cookie reaches).</summary>
    public static readonly VotingService App = new("voting-app", ["1.0", "2.0"]);

    /// <summary>Reads the counts from storage and formats them (1.1 adds the percentages).</summary>
    public static readonly VotingService Analytics = new("voting-analytics", ["1.0", "1.1", "2.0"]);

    /// <summary>Keeps the votes: 1.0 in Redis, 2.0 in MySQL.</summary>
    public static readonly VotingService Storage = new("voting-storage", ["1.0", "2.0"]);

    public static IReadOnlyList<VotingService> All { get; } = [App, Analytics, Storage];

    /// <summary>The name as it appears in the x-voting-chain header: "app", "analytics", "storage".</summary>
    public string ShortName => Name["voting-".Length..];
}
