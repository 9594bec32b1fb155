using System.Reflection;

namespace VotingApp.AppHost;

/// <summary>How the AppHost starts the three services: their built programs, each straight on its own port.</summary>
public static class ServiceLaunch
{
    /// <summary>
    /// One of the three services: without its launch profile (for running it by hand), plain HTTP (no
    /// development certificate, so no dashboard banner about one), its built program, on its own port
    /// (<paramref name="port"/> or a free one), ready when its /health/ready says so.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddVotingService<TProject>(this IDistributedApplicationBuilder builder, string name, int? port = null)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject<TProject>(name, options => options.ExcludeLaunchProfile = true)
            .WithoutHttpsCertificate()
            .RunBuiltProgram()
            .WithDirectHttpEndpoint(port)
            .WithHttpHealthCheck("/health/ready");

    /// <summary>
    /// Runs the project's built program, <c>dotnet VotingApp.X.dll</c>, rather than Aspire's default
    /// <c>dotnet run --no-build</c>, which evaluates the project again at every start and stays beside the
    /// service as a second process (about 130 MB). A project not built where expected keeps the default.
    /// </summary>
    public static IResourceBuilder<ProjectResource> RunBuiltProgram(this IResourceBuilder<ProjectResource> builder)
    {
        var project = builder.Resource.GetProjectMetadata().ProjectPath;
        var folder = Path.GetDirectoryName(project)!;
        var program = Path.Combine(folder, "bin", BuildConfiguration, TargetFramework, Path.GetFileNameWithoutExtension(project) + ".dll");
        if (!File.Exists(program)) return builder;
        return builder
            .WithAnnotation(new ExecutableAnnotation { Command = "dotnet", WorkingDirectory = folder }, ResourceAnnotationMutationBehavior.Replace)
            .WithArgs(program);
    }

    /// <summary>
    /// Listens on a free port itself, without Aspire's proxy in front: a stopped service refuses connections
    /// (the app's "not counted"), where the proxy would accept them and then drop them ("not confirmed").
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDirectHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int? port = null) =>
        builder.WithHttpEndpoint(name: "http", port: port ?? LocalPorts.Free(), isProxied: false);

    /// <summary>The AppHost's own configuration (Debug with dotnet run): the services are built with it.</summary>
    private static string BuildConfiguration =>
        typeof(ServiceLaunch).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>"net10.0", from ".NETCoreApp,Version=v10.0": the services share the AppHost's target framework.</summary>
    private static string TargetFramework =>
        "net" + (AppContext.TargetFrameworkName ?? ".NETCoreApp,Version=v10.0").Split("Version=v")[^1];
}
