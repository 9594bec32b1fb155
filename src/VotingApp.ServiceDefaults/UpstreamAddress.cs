namespace VotingApp.ServiceDefaults;

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
