using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Yaml;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.Services;

/// <summary>A container of one of the voting services in a Deployment of any manifest file.</summary>
public sealed record VotingContainer(Workload Workload, JsonObject Container, CatalogEntry Service, string Image, string Tag)
{
    public override string ToString() => $"{Workload.Deployment.File} {Workload.Name}/{Container["name"]}";

    public IEnumerable<string> EnvironmentNames => ClusterState.Items(Container["env"]).Select(e => e["name"]!.GetValue<string>());

    public IEnumerable<(string Kind, JsonObject HttpGet)> HttpProbes =>
        new[] { "livenessProbe", "readinessProbe", "startupProbe" }
            .Where(kind => Container[kind]?["httpGet"] is JsonObject)
            .Select(kind => (kind, Container[kind]!["httpGet"]!.AsObject()));

    /// <summary>Every container whose image is voting-app, voting-analytics or voting-storage.</summary>
    public static IReadOnlyList<VotingContainer> All() =>
        ManifestFiles.ObjectFiles().SelectMany(ManifestFile.Read)
            .Where(d => d.Kind == "Deployment" && d.Json["spec"]?["template"] is not null)
            .Select(d => new Workload(d))
            .SelectMany(w => w.Containers.Select(c => (Workload: w, Container: c, Image: c["image"]!.GetValue<string>())))
            .Select(x => (x.Workload, x.Container, x.Image, Name: x.Image.Split(':')[0]))
            .Where(x => ServiceConfiguration.ServiceNamed(x.Name) is not null)
            .Select(x => new VotingContainer(x.Workload, x.Container, ServiceConfiguration.ServiceNamed(x.Name)!, x.Image,
                x.Image.Contains(':') ? x.Image.Split(':')[1] : ""))
            .ToList();
}
