namespace VotingApp.Testing;

/// <summary>
/// What a loaded 2-core machine may add to a service's own time bound. Generous on purpose: a test proves a
/// bound exists (and counts the tries), it does not time the machine. Below the test clients' 10 s timeout.
/// </summary>
public static class LoadedMachine
{
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);
}
