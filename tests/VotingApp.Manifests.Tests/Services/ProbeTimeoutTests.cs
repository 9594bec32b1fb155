using System.Text.RegularExpressions;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Storage.Stores;
using VotingApp.Storage;

namespace VotingApp.Manifests.Tests.Services;

/// <summary>
/// Storage's readiness runs one round trip to its store; the kubelet must wait longer than that round trip
/// may take, or a slow but working storage is marked unready. The bounds are read from the code: MySQL's
/// from the connection string storage builds, Redis's from the options in RedisVoteStore.
/// </summary>
public sealed class ProbeTimeoutTests
{
    [Fact]
    public void Storage_readiness_waits_longer_than_its_store_check_may_take()
    {
        var mysql = MySqlVoteStore.BuildConnectionString(new StorageSettings { MySqlHost = "voting-mysql", MySqlUser = "u", MySqlPassword = "p" });
        var mysqlBound = (double)mysql.ConnectionTimeout + mysql.DefaultCommandTimeout;
        var redisSource = File.ReadAllText(RepositoryPaths.Combine("src/VotingApp.Storage/Stores/RedisVoteStore.cs"));
        var redisBound = (Milliseconds(redisSource, "ConnectTimeout") + Milliseconds(redisSource, "AsyncTimeout")) / 1000.0;
        Assert.True(mysqlBound >= 2, $"MySQL bound {mysqlBound} s");

        var storages = ClusterState.After(ManifestFiles.Steps.Count - 1).Workloads.Where(w => w.App == "voting-storage").ToList();
        Assert.Equal(["1.0", "2.0"], storages.Select(w => w.Version).Order());
        Assert.All(storages, storage =>
        {
            var probe = storage.Containers.Single()["readinessProbe"]!;
            var timeout = probe["timeoutSeconds"]?.GetValue<int>() ?? 1; // Kubernetes' default
            var bound = storage.Version == "1.0" ? redisBound : mysqlBound;
            Assert.True(timeout > bound, $"{storage}: readiness timeoutSeconds {timeout} is not above the store check's {bound} s");
        });
    }

    private static int Milliseconds(string source, string option)
    {
        var match = Regex.Match(source, option + @"\s*=\s*(\d+)");
        Assert.True(match.Success, $"RedisVoteStore.cs sets no {option}");
        return int.Parse(match.Groups[1].Value);
    }
}
