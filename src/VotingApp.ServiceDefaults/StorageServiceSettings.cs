namespace VotingApp.ServiceDefaults;

/// <summary>Where the storage service is (STORAGE_HOST, STORAGE_PORT), for analytics and the app.</summary>
public sealed class StorageServiceSettings
{
    [ConfigurationKeyName("STORAGE_HOST")]
    public string Host { get; set; } = "voting-storage";

    [ConfigurationKeyName("STORAGE_PORT")]
    public int Port { get; set; } = 8080;

    public Uri BaseAddress => UpstreamAddress.Build(Host, Port);

    public IEnumerable<string> Problems() => UpstreamAddress.Problems("STORAGE_HOST", Host, "STORAGE_PORT", Port);
}
