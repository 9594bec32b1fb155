using Microsoft.Extensions.Configuration;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// Which service this process is and which version it was built as. The version is baked into the image
/// as VOTING_VERSION (Dockerfile build argument VERSION) and checked once at start.
/// </summary>
public sealed class ServiceIdentity
{
    public const string VersionKey = "VOTING_VERSION";

    public ServiceIdentity(VotingService service, string version)
    {
        Service = service;
        Version = version;
        ChainToken = $"{service.ShortName}/{version}";
    }

    public VotingService Service { get; }
    public string Name => Service.Name;
    public string Version { get; }

    /// <summary>This service's part of the x-voting-chain response header, e.g. "analytics/1.1".</summary>
    public string ChainToken { get; }

    /// <summary>Reads VOTING_VERSION and refuses any version the service does not have.</summary>
    public static ServiceIdentity FromConfiguration(VotingService service, IConfiguration configuration)
    {
        var version = configuration[VersionKey];
        var allowed = string.Join(", ", service.Versions);
        if (string.IsNullOrWhiteSpace(version))
        {
            throw new StartupConfigurationException(
                $"{VersionKey} is not set. {service.Name} must be told which version it is: one of {allowed}.");
        }

        version = version.Trim();
        if (!service.Versions.Contains(version))
        {
            throw new StartupConfigurationException(
                $"{VersionKey}='{version}' is not a version of {service.Name}. Allowed: {allowed}.");
        }

        return new ServiceIdentity(service, version);
    }
}
