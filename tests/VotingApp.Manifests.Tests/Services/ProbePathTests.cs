using System.Net;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.Services;

/// <summary>
/// Every HTTP probe in the manifests asks a path the service really serves, and the probe passes: each
/// service version the Deployments run is started as its own process, with real neighbours (storage on a
/// local SQLite file) so that it can become ready, and every probe path must then answer 200.
/// </summary>
public sealed class ProbePathTests
{
    public static TheoryData<string, string> ServiceVersions()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, tag) in VotingContainer.All().Select(c => (c.Service.Name, c.Tag)).Distinct().Order()) data.Add(name, tag);
        return data;
    }

    [Theory]
    [MemberData(nameof(ServiceVersions))]
    public async Task Every_probe_path_is_served(string serviceName, string version)
    {
        var service = ServiceConfiguration.ServiceNamed(serviceName)!;
        var containers = VotingContainer.All().Where(c => c.Service == service && c.Tag == version).ToList();
        var probes = containers.SelectMany(c => c.HttpProbes.Select(p => (Container: c, p.Kind, p.HttpGet))).ToList();
        Assert.NotEmpty(probes);

        var folder = RepositoryPaths.NewTempFolder("probe");
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, VersionOf(ServiceCatalog.Storage, version),
            VotingChain.SqliteEnvironment(folder));
        await using var analytics = service == ServiceCatalog.Storage ? null
            : await ServiceProcess.StartAsync(ServiceCatalog.Analytics, VersionOf(ServiceCatalog.Analytics, version), VotingChain.Upstream("STORAGE", storage.Port));
        await using var app = service != ServiceCatalog.App ? null
            : await ServiceProcess.StartAsync(ServiceCatalog.App, version, VotingChain.AppUpstreams(analytics!.Port, storage.Port));
        var process = app ?? analytics ?? storage;
        // Ready once its warm-up calls reached its neighbours; a slow start on a busy machine is not a failure.
        await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        using var client = process.CreateClient();
        foreach (var (container, kind, httpGet) in probes)
        {
            var port = httpGet["port"]!;
            Assert.True(ClusterState.Items(container.Container["ports"]).Any(p => p["name"]?.GetValue<string>() == port.ToString()
                || p["containerPort"]!.ToString() == port.ToString()), $"{container} {kind}: port {port} is not a container port");
            var path = httpGet["path"]!.GetValue<string>();
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK,
                $"{container} {kind}: {path} answered {(int)response.StatusCode} from {service.Name} {version}, not 200");
        }

        // The check can fail: a path the service does not serve is a 404.
        using var missing = await client.GetAsync("/health/nonexistent");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        RepositoryPaths.DeleteFolder(folder);
    }

    /// <summary>The neighbour's version that goes with <paramref name="version"/>: the same when it has it, else its newest.</summary>
    private static string VersionOf(CatalogEntry neighbour, string version) =>
        neighbour.Versions.Contains(version) ? version : neighbour.Versions[^1];
}
