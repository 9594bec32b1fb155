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

/// <summary>An upstream service's address from its HOST and PORT settings, and what is wrong with them.</summary>
public static class UpstreamAddress
{
    public static Uri Build(string host, int port) => new UriBuilder(Uri.UriSchemeHttp, host.Trim(), port).Uri;

    public static IEnumerable<string> Problems(string hostKey, string host, string portKey, int port)
    {
        if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host.Trim()) == UriHostNameType.Unknown)
        {
            yield return $"{hostKey}='{host}' is not a host name.";
        }

        if (port is < 1 or > 65535)
        {
            yield return $"{portKey}={port} is not a port number (1-65535).";
        }
    }
}
