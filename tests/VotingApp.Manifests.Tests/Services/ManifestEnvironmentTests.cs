using System.Net;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Yaml;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.Services;

/// <summary>
/// Each voting container, started with the environment its Deployment gives it (Secret values filled in),
/// is accepted by the service: it starts rather than stopping on a configuration error. The hosts are
/// pointed at a closed port on 127.0.0.1, as when the database is still starting: storage must stay up
/// and report "not ready" until its database answers, which is what lets MySQL start after storage 2.0.
/// </summary>
public sealed class ManifestEnvironmentTests
{
    public static TheoryData<string> Containers()
    {
        var data = new TheoryData<string>();
        foreach (var container in VotingContainer.All().Where(c => ManifestFiles.Steps.Any(s => s.File == c.Workload.Deployment.File)))
        {
            data.Add(container.Workload.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Containers))]
    public async Task The_service_starts_with_its_manifest_environment(string deployment)
    {
        var container = VotingContainer.All().Single(c => c.Workload.Name == deployment);
        var closedPort = FreePort.Dead.ToString();
        var environment = new Dictionary<string, string?>();
        foreach (var variable in ClusterState.Items(container.Container["env"]))
        {
            var name = variable["name"]!.GetValue<string>();
            var value = variable["value"]?.GetValue<string>() ?? SecretValue(variable);
            environment[name] = name.EndsWith("_HOST", StringComparison.Ordinal) ? "127.0.0.1"
                : name.EndsWith("_PORT", StringComparison.Ordinal) ? closedPort
                : name.EndsWith("_FILE", StringComparison.Ordinal) ? SecretFile(container, value)
                : value;
        }

        await using var process = await ServiceProcess.StartAsync(container.Service, container.Tag, environment);
        using var client = process.CreateClient();
        using var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var version = await client.GetAsync("/version");
        Assert.Contains($"\"version\":\"{container.Tag}\"", await version.Content.ReadAsStringAsync());

        if (container.Service == ServiceCatalog.Storage)
        {
            // Its database is not there: not ready, yet still running a few retries later (waited for in its log).
            await process.AssertLoggedAsync("Vote store not ready yet (attempt 3)", TimeSpan.FromSeconds(60));
            using var ready = await client.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            Assert.False(process.HasExited, process.Output);
        }
    }

    private static string SecretValue(System.Text.Json.Nodes.JsonObject variable)
    {
        var reference = variable["valueFrom"]!["secretKeyRef"]!;
        return SecretKey(reference["name"]!.GetValue<string>(), reference["key"]!.GetValue<string>());
    }

    private static string SecretKey(string name, string key)
    {
        var secret = ManifestFiles.OperatorObjects.SelectMany(ManifestFile.Read).Single(d => d.Key == $"Secret/{name}");
        return secret.Json["stringData"]![key]!.GetValue<string>();
    }

    /// <summary>A path into a Secret volume of the pod, materialised as the kubelet would (one file per item), in a temp folder.</summary>
    private static string SecretFile(VotingContainer container, string path)
    {
        var mount = ClusterState.Items(container.Container["volumeMounts"])
            .Single(m => path.StartsWith(m["mountPath"]!.GetValue<string>() + "/", StringComparison.Ordinal));
        var secret = container.Workload.Volumes.Single(v => v["name"]!.GetValue<string>() == mount["name"]!.GetValue<string>())["secret"]!;
        var relative = path[(mount["mountPath"]!.GetValue<string>().Length + 1)..];
        var item = ClusterState.Items(secret["items"]).Single(i => i["path"]!.GetValue<string>() == relative);
        var file = Path.Combine(RepositoryPaths.NewTempFolder("secret-volume"), relative);
        File.WriteAllText(file, SecretKey(secret["secretName"]!.GetValue<string>(), item["key"]!.GetValue<string>()));
        return file;
    }
}
