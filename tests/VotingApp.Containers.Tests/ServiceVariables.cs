using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.Extensions.Configuration;
using VotingApp.ServiceDefaults;

namespace VotingApp.Containers.Tests;

/// <summary>
/// The environment variables a service reads, found in its assemblies rather than written down again:
/// every [ConfigurationKeyName] on a settings class of the service's own assembly, plus those of the
/// ServiceDefaults settings classes that the service's assembly refers to (analytics refers to
/// StorageServiceSettings but not AnalyticsServiceSettings), plus the ones every service reads.
/// </summary>
public static class ServiceVariables
{
    /// <summary>Read by every service (the contract's generic ones).</summary>
    public static IReadOnlyList<string> Generic { get; } =
        ["VOTING_VERSION", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_URLS", "LOG_FORMAT", "OTEL_EXPORTER_OTLP_ENDPOINT"];

    /// <summary>Prefixes of the standard configuration keys every service takes (OTEL_*, ASPNETCORE_*, ...).</summary>
    public static IReadOnlyList<string> GenericPrefixes { get; } = ["OTEL_", "ASPNETCORE_", "DOTNET_", "Logging__", "Serilog__"];

    public static IReadOnlySet<string> KeysOf(VotingService service)
    {
        var assembly = Assembly.Load(Repo.Project(service));
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in assembly.GetTypes())
        {
            keys.UnionWith(KeysOfType(type));
        }

        var referenced = ReferencedTypeNames(assembly);
        foreach (var type in typeof(VotingService).Assembly.GetTypes().Where(type => referenced.Contains(type.FullName ?? "")))
        {
            keys.UnionWith(KeysOfType(type));
        }

        return keys;
    }

    public static bool Reads(VotingService service, string variable) =>
        KeysOf(service).Contains(variable) || Generic.Contains(variable) ||
        GenericPrefixes.Any(prefix => variable.StartsWith(prefix, StringComparison.Ordinal));

    private static IEnumerable<string> KeysOfType(Type type) => type
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(property => property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name)
        .OfType<string>();

    private static HashSet<string> ReferencedTypeNames(Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.TypeReferences
            .Select(handle => metadata.GetTypeReference(handle))
            .Select(reference => metadata.GetString(reference.Namespace) + "." + metadata.GetString(reference.Name))
            .ToHashSet(StringComparer.Ordinal);
    }
}
