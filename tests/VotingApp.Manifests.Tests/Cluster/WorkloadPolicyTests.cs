using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Cluster;

/// <summary>The house rules every Deployment and Service follows (labels, ports, hardening, storage).</summary>
public sealed class WorkloadPolicyTests
{
    /// <summary>The rollout's own files (a file such as a load generator only has to pass schemas and lint).</summary>
    private static IEnumerable<ManifestDocument> RolloutDocuments() =>
        ManifestFiles.Steps.Where(s => !s.Delete).SelectMany(s => ManifestFile.Read(s.File));

    private static List<Workload> AllWorkloads() =>
        RolloutDocuments()
            .Where(d => d.Kind == "Deployment" && d.Json["spec"]?["template"] is not null)
            .Select(d => new Workload(d)).ToList();

    private static List<ManifestDocument> All(string kind) =>
        RolloutDocuments().Where(d => d.Kind == kind && d.Json["spec"] is not null).ToList();

    [Fact]
    public void Every_pod_has_app_version_and_recommended_labels()
    {
        Assert.All(AllWorkloads(), w =>
        {
            Assert.False(string.IsNullOrEmpty(w.App), $"{w}: app label");
            Assert.NotNull(w.Version);
            Assert.Equal(w.App, w.PodLabels.GetValueOrDefault("app.kubernetes.io/name"));
            Assert.Equal(w.Version, w.PodLabels.GetValueOrDefault("app.kubernetes.io/version"));
            Assert.Equal("voting-app", w.PodLabels.GetValueOrDefault("app.kubernetes.io/part-of"));
            Assert.True(w.PodLabels.ContainsKey("app.kubernetes.io/component"), $"{w}: component label");
        });
    }

    [Fact]
    public void Every_service_selects_on_app_only_with_protocol_named_ports()
    {
        Assert.All(All("Service"), service =>
        {
            var selector = Workload.Labels(service.Json["spec"]!["selector"]);
            Assert.Equal(["app"], selector.Keys);
            foreach (var port in ClusterState.Items(service.Json["spec"]!["ports"]))
            {
                var name = port["name"]!.GetValue<string>();
                var protocol = port["appProtocol"]?.GetValue<string>();
                Assert.True(name is "http" && protocol == "http" || name.StartsWith("tcp-", StringComparison.Ordinal) && protocol == "tcp",
                    $"{service}: port {name} with appProtocol {protocol}");
            }
        });
    }

    [Fact]
    public void Every_container_is_hardened_and_bounded()
    {
        Assert.All(AllWorkloads(), w =>
        {
            var pod = w.Deployment.Json["spec"]!["template"]!["spec"]!;
            Assert.True(pod["securityContext"]?["runAsNonRoot"]?.GetValue<bool>(), $"{w}: runAsNonRoot");
            var tmp = w.Volumes.Single(v => v["name"]!.GetValue<string>() == "tmp");
            Assert.NotNull(tmp["emptyDir"]);
            foreach (var container in w.Containers)
            {
                var security = container["securityContext"]!;
                Assert.True(security["readOnlyRootFilesystem"]!.GetValue<bool>(), $"{w}: readOnlyRootFilesystem");
                Assert.False(security["allowPrivilegeEscalation"]!.GetValue<bool>(), $"{w}: allowPrivilegeEscalation");
                Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => c!.GetValue<string>()));
                foreach (var bound in new[] { "requests", "limits" })
                {
                    Assert.NotNull(container["resources"]?[bound]?["cpu"]);
                    Assert.NotNull(container["resources"]?[bound]?["memory"]);
                }

                Assert.Contains(ClusterState.Items(container["volumeMounts"]), m => m["name"]!.GetValue<string>() == "tmp" && m["mountPath"]!.GetValue<string>() == "/tmp");
                Assert.NotNull(container["readinessProbe"]);
                Assert.NotNull(container["livenessProbe"]);
            }
        });
    }

    [Fact]
    public void Redis_appends_to_a_file_on_a_volume_claim()
    {
        var redis = AllWorkloads().Single(w => w.App == "voting-redis");
        var container = Assert.Single(redis.Containers);
        var args = string.Join(' ', container["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains("--appendonly yes", args);
        Assert.Contains("--dir /data", args);
        AssertMountedFromClaim(redis, container, "/data");
    }

    /// <summary>
    /// Full, Redis refuses writes (storage answers 503 "not counted") rather than evicting keys: an evicted vote
    /// token lets its vote count again. The bound sits below the container's memory limit, so Redis is not OOM-killed first.
    /// </summary>
    [Fact]
    public void Redis_refuses_writes_at_maxmemory_and_never_evicts_vote_tokens()
    {
        var container = Assert.Single(AllWorkloads().Single(w => w.App == "voting-redis").Containers);
        var args = container["args"]!.AsArray().Select(a => a!.GetValue<string>()).ToList();
        Assert.Equal("noeviction", args[args.IndexOf("--maxmemory-policy") + 1]);
        var maxMemory = args[args.IndexOf("--maxmemory") + 1];
        Assert.Matches("^[0-9]+mb$", maxMemory);
        var limit = container["resources"]!["limits"]!["memory"]!.GetValue<string>();
        Assert.EndsWith("Mi", limit);
        Assert.True(long.Parse(maxMemory[..^2]) * 1024 * 1024 < long.Parse(limit[..^2]) * 1024 * 1024 * 0.8,
            $"maxmemory {maxMemory} leaves too little of the {limit} limit for Redis's own buffers and the append-only file's rewrite");
    }

    [Fact]
    public void Mysql_keeps_its_data_on_a_volume_claim()
    {
        var mysql = AllWorkloads().Single(w => w.App == "voting-mysql");
        AssertMountedFromClaim(mysql, Assert.Single(mysql.Containers), "/var/lib/mysql");
    }

    private static void AssertMountedFromClaim(Workload workload, JsonObject container, string path)
    {
        var mount = ClusterState.Items(container["volumeMounts"]).Single(m => m["mountPath"]!.GetValue<string>() == path);
        var volume = workload.Volumes.Single(v => v["name"]!.GetValue<string>() == mount["name"]!.GetValue<string>());
        Assert.NotNull(volume["persistentVolumeClaim"]?["claimName"]);
        Assert.Equal("Recreate", workload.Deployment.Json["spec"]!["strategy"]?["type"]?.GetValue<string>());
    }
}
