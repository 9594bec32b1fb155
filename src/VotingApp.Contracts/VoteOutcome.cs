namespace VotingApp.Contracts;

/// <summary>
/// The titles of storage's problem answers to a vote that failed, which tell the app whether storage may
/// have counted it. Only "not counted" is a 503: the mesh sends 503s again (Istio's default before 1.24), and
/// that is safe only for a vote that certainly changed nothing (docs/http.md, "Retries").
/// </summary>
public static class VoteOutcome
{
    /// <summary>503: the store refused the vote or could not be reached; nothing changed.</summary>
    public const string NotCounted = "Vote not counted";

    /// <summary>504: the store did not answer in time and may have counted it; send it again only with the same Idempotency-Key.</summary>
    public const string NotConfirmed = "Vote not confirmed";
}
