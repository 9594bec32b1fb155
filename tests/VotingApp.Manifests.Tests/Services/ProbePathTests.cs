using System.Net;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.ServiceDefaults;
using VotingApp.Testing;

namespace VotingApp.Manifests.Tests.Services;

/// <summary>
/// Every HTTP probe in the manifests asks a path the service really serves: each service version the
/// Deployments run is started as its own process and asked the probe paths (anything but 404 counts:
/// readiness may rightly say 503 here, where storage has no database).
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

        await using var process = await ServiceProcess.StartAsync(service, version, StandaloneEnvironment(service));
        using var client = process.CreateClient();
        foreach (var (container, kind, httpGet) in probes)
        {
            var port = httpGet["port"]!;
            Assert.True(ClusterState.Items(container.Container["ports"]).Any(p => p["name"]?.GetValue<string>() == port.ToString()
                || p["containerPort"]!.ToString() == port.ToString()), $"{container} {kind}: port {port} is not a container port");
            var path = httpGet["path"]!.GetValue<string>();
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode != HttpStatusCode.NotFound, $"{container} {kind}: {path} is not served by {service.Name} {version}");
        }

        // The check can fail: a path the service does not serve is a 404.
        using var missing = await client.GetAsync("/health/nonexistent");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>Storage runs on a local SQLite file here: the paths exist whatever the store.</summary>
    private static Dictionary<string, string?> StandaloneEnvironment(VotingService service) =>
        service == VotingService.Storage
            ? new() { ["STORAGE_BACKEND"] = "sqlite", ["SQLITE_PATH"] = Path.Combine(RepositoryPaths.NewTempFolder("probe"), "votes.db") }
            : new();
}
