namespace VotingApp.ServiceDefaults;

/// <summary>
/// Configuration problems found while the host is being built. They are reported together, in one clear
/// message, when the service is asked to run (rather than as an exception with a stack trace).
/// </summary>
public sealed class StartupErrors
{
    private readonly List<string> _messages = [];

    public IReadOnlyList<string> Messages => _messages;

    public void Add(string message) => _messages.Add(message);
}
