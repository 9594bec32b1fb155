using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Yaml;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.Manifests.Tests.Services;

/// <summary>The Deployments ask the services only for what the services have: variables, versions, ports.</summary>
public sealed class ServiceContractTests
{
    [Fact]
    public void Every_voting_service_has_a_deployment() =>
        Assert.Equal(ServiceCatalog.All.Select(s => s.Name).Order(), VotingContainer.All().Select(c => c.Service.Name).Distinct().Order());

    [Fact]
    public void Every_environment_variable_is_one_the_service_reads()
    {
        var unread = VotingContainer.All()
            .SelectMany(c => c.EnvironmentNames.Where(name => !ServiceConfiguration.Reads(c.Service, name)).Select(name => $"{c}: {name}"))
            .ToList();
        Assert.True(unread.Count == 0, "set but not read by the service: " + string.Join(", ", unread));
    }

    [Fact]
    public void The_service_configuration_keys_come_from_the_services()
    {
        // The reflection itself must find what the contract lists, or the test above would pass vacuously.
        Assert.Superset(new HashSet<string> { "TITLE", "FEATUREFLAG", "SHOWDETAILS", "ANALYTICS_HOST", "STORAGE_HOST", "VOTE1VALUE" },
            new HashSet<string>(ServiceConfiguration.Keys(ServiceCatalog.App)));
        Assert.Superset(new HashSet<string> { "REDIS_HOST", "MYSQL_PASSWORD", "VOTE2VALUE" },
            new HashSet<string>(ServiceConfiguration.Keys(ServiceCatalog.Storage)));
        Assert.DoesNotContain("REDIS_HOST", ServiceConfiguration.Keys(ServiceCatalog.App));
        Assert.DoesNotContain("TITLE", ServiceConfiguration.Keys(ServiceCatalog.Analytics));
        Assert.False(ServiceConfiguration.Reads(ServiceCatalog.Analytics, "MYSQL_HOST"));
    }

    [Fact]
    public void Every_image_tag_is_a_version_of_the_service_and_the_pod_version_label()
    {
        var wrong = VotingContainer.All()
            .Where(c => !c.Service.Versions.Contains(c.Tag) || c.Workload.Version != c.Tag || c.Workload.PodLabels.GetValueOrDefault("app.kubernetes.io/version") != c.Tag)
            .Select(c => $"{c}: image {c.Image}, version label {c.Workload.Version}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Every_deployment_is_named_after_its_app_and_version()
    {
        var wrong = VotingContainer.All()
            .Where(c => c.Workload.Name != $"{c.Service.Name}-{c.Tag.Replace('.', '-')}" || c.Workload.App != c.Service.Name)
            .Select(c => c.ToString())
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Every_other_image_has_a_pinned_tag()
    {
        var images = ManifestFiles.Steps.Where(s => !s.Delete).SelectMany(s => ManifestFile.Read(s.File))
            .Where(d => d.Kind == "Deployment" && d.Json["spec"]?["template"] is not null)
            .SelectMany(d => new Workload(d).Containers.Select(c => c["image"]!.GetValue<string>()))
            .ToList();
        Assert.All(images, image => Assert.Matches(@"^[^:]+(:[0-9][^:@]*)$", image.Replace("docker.io/library/", "")));
    }

    [Fact]
    public void Every_container_listens_on_the_services_port()
    {
        var wrong = VotingContainer.All()
            .Where(c => !c.EnvironmentNames.Any(n => n is "ASPNETCORE_HTTP_PORTS" or "ASPNETCORE_URLS"))
            .Where(c => !ClusterState.Items(c.Container["ports"]).Any(p => p["containerPort"]!.GetValue<int>().ToString() == ServiceDefaultsExtensions.DefaultPort && p["name"]?.GetValue<string>() == "http"))
            .Select(c => c.ToString())
            .ToList();
        Assert.True(wrong.Count == 0, $"no container port 'http' = {ServiceDefaultsExtensions.DefaultPort}: " + string.Join(", ", wrong));
    }
}
