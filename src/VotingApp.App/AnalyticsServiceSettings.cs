using VotingApp.ServiceDefaults;

namespace VotingApp.App;

/// <summary>Where the analytics service is (ANALYTICS_HOST, ANALYTICS_PORT), for the app.</summary>
public sealed class AnalyticsServiceSettings
{
    [ConfigurationKeyName("ANALYTICS_HOST")]
    public string Host { get; set; } = "voting-analytics";

    [ConfigurationKeyName("ANALYTICS_PORT")]
    public int Port { get; set; } = 8080;

    public Uri BaseAddress => UpstreamAddress.Build(Host, Port);

    public IEnumerable<string> Problems() => UpstreamAddress.Problems("ANALYTICS_HOST", Host, "ANALYTICS_PORT", Port);
}
