namespace VotingApp.ServiceDefaults;

/// <summary>A setting is missing or invalid: the service stops at start with this message.</summary>
public sealed class StartupConfigurationException(string message) : Exception(message);
