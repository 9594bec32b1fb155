namespace VotingApp.Storage.Stores;

/// <summary>
/// One row of vote_counts as Dapper reads it (SELECT option_name AS Name, vote_count AS Count). A class,
/// not a tuple: Dapper.AOT generates readers for classes only, and a call it cannot generate would be
/// left on reflection, which a Native AOT service does not have.
/// </summary>
public sealed class VoteCountRow
{
    public string Name { get; set; } = "";
    public long Count { get; set; }
}

/// <summary>One row of vote_tokens: the first answer to a token, and when the token expires (Unix ms).</summary>
public sealed class VoteTokenRow
{
    public string Option { get; set; } = "";
    public long Count { get; set; }
    public long ExpiresAt { get; set; }
}
