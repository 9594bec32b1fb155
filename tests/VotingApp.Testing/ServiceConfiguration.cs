using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.Extensions.Configuration;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.Testing;

/// <summary>
/// The environment variables each service reads, taken from the services themselves: every
/// [ConfigurationKeyName] property of the service's own assembly, plus those of the ServiceDefaults and
/// Contracts settings classes that the service's assembly refers to (its metadata lists every type it uses), plus
/// the variables every service reads through ServiceDefaults and the .NET host (the contract's list).
/// </summary>
public static class ServiceConfiguration
{
    /// <summary>Read by every service, by name.</summary>
    public static readonly IReadOnlySet<string> CommonKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        ServiceIdentity.VersionKey, "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_URLS", "LOG_FORMAT", "OTEL_EXPORTER_OTLP_ENDPOINT",
        ForwardedClient.KnownProxiesKey,
    };

    /// <summary>Read by every service as families: OpenTelemetry, ASP.NET Core, the .NET host, logging sections, rate limits (RateLimitSettings).</summary>
    public static readonly IReadOnlyList<string> CommonPrefixes = ["OTEL_", "ASPNETCORE_", "DOTNET_", "Logging__", "Serilog__", "RATE_LIMIT_"];

    public static CatalogEntry? ServiceNamed(string name) => ServiceCatalog.All.SingleOrDefault(s => s.Name == name);

    public static bool Reads(CatalogEntry service, string variable) =>
        CommonKeys.Contains(variable)
        || CommonPrefixes.Any(prefix => variable.StartsWith(prefix, StringComparison.Ordinal))
        || Keys(service).Contains(variable);

    public static IReadOnlySet<string> Keys(CatalogEntry service)
    {
        // The service's assembly must be in the test's output (reference the service project).
        var assembly = Assembly.Load(ServiceProcess.ProjectOf(service));
        Assembly[] shared = [typeof(ServiceIdentity).Assembly, typeof(CatalogEntry).Assembly];
        var types = assembly.GetTypes().Concat(ReferencedTypes(assembly)
            .SelectMany(name => shared.Select(library => library.GetType(name))).OfType<Type>());
        return new SortedSet<string>(types.SelectMany(KeysOf), StringComparer.Ordinal);
    }

    private static IEnumerable<string> KeysOf(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Select(property => property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name)
            .OfType<string>();

    /// <summary>The full names of the types an assembly refers to in other assemblies.</summary>
    private static IEnumerable<string> ReferencedTypes(Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return metadata.TypeReferences
            .Select(handle => metadata.GetTypeReference(handle))
            .Select(reference => $"{metadata.GetString(reference.Namespace)}.{metadata.GetString(reference.Name)}")
            .ToList();
    }
}
