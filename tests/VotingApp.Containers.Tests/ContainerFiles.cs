using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Containers.Tests;

/// <summary>The container files of this repository and what they are for.</summary>
public static class ContainerFiles
{
    public static string BuildScript => RepositoryPaths.Combine("scripts", "build-images.sh");

    public static string DockerIgnore => RepositoryPaths.Combine(".dockerignore");

    public static string Dockerfile(CatalogEntry service) => RepositoryPaths.Combine("Dockerfile." + service.ShortName);

    /// <summary>The project (and dll) name of a service, e.g. VotingApp.Analytics.</summary>
    public static string Project(CatalogEntry service) => ServiceProcess.ProjectOf(service);

    public static string ComposeFile(string stage) => RepositoryPaths.Combine("compose", $"docker-compose-{stage}.yaml");

    /// <summary>The article's stages, each with the version of app, analytics and storage it runs.</summary>
    public static IReadOnlyList<Stage> Stages { get; } =
    [
        new("1.0", "1.0", "1.0", "1.0"),
        new("1.1", "1.0", "1.1", "1.0"),
        new("2.0", "2.0", "2.0", "2.0"),
    ];

    /// <summary>Every image tag the project builds: each service in each of its versions.</summary>
    public static IReadOnlyList<string> AllImages { get; } =
        ServiceCatalog.All.SelectMany(service => service.Versions.Select(version => $"{service.Name}:{version}")).ToList();

    /// <summary>
    /// The script beside the repository (../shared/containers) that makes local stand-ins for the
    /// mcr.microsoft.com base images on a machine that reaches no registry; absent in a normal clone.
    /// </summary>
    public static string? BaseImageScript
    {
        get
        {
            var path = Path.GetFullPath(Path.Combine(RepositoryPaths.Root, "..", "shared", "containers", "make-dotnet-base-images.sh"));
            return File.Exists(path) ? path : null;
        }
    }

    public static CatalogEntry Service(string name) =>
        ServiceCatalog.All.SingleOrDefault(service => service.Name == name)
        ?? throw new InvalidOperationException($"{name} is not a voting service");
}

public sealed record Stage(string Name, string AppVersion, string AnalyticsVersion, string StorageVersion)
{
    /// <summary>The store of the stage's storage version.</summary>
    public string Store => ServiceCatalog.Storage.Release(StorageVersion)!.Store!;

    public string VersionOf(CatalogEntry service) =>
        service == ServiceCatalog.App ? AppVersion : service == ServiceCatalog.Analytics ? AnalyticsVersion : StorageVersion;

    public override string ToString() => Name;
}
