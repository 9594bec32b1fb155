using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Cluster;

/// <summary>The databases on a cloud block volume (Azure Disk, EBS, PD), which nothing here can mount.</summary>
public sealed class CloudDiskTests
{
    /// <summary>
    /// A freshly formatted ext4 volume has lost+found at its root; the MySQL image then refuses to initialise
    /// (docker-library/mysql #186, #933: "use a subdirectory", e.g. subPath). Redis keeps its files by name.
    /// </summary>
    [Fact]
    public void Mysql_keeps_its_data_in_a_sub_directory_of_the_volume()
    {
        var (mysql, container) = Database("voting-mysql");
        var mount = ClusterState.Items(container["volumeMounts"]).Single(m => m["mountPath"]!.GetValue<string>() == "/var/lib/mysql");
        Assert.False(string.IsNullOrWhiteSpace(mount["subPath"]?.GetValue<string>()), $"{mysql}: /var/lib/mysql is the volume's root");
        Assert.NotNull(mysql.Volumes.Single(v => v["name"]!.GetValue<string>() == mount["name"]!.GetValue<string>())["persistentVolumeClaim"]);
        Assert.DoesNotContain(Args(container), a => a.StartsWith("--datadir", StringComparison.Ordinal));
    }

    /// <summary>
    /// A week of the load generator's votes fits the volume: the binary log is off, or bounded so that its
    /// growth plus MySQL's fixed files stays below the claim. Figures: MySQL 8.4's defaults
    /// (binlog_expire_logs_seconds 2,592,000; innodb_redo_log_capacity 100 MiB) and about 350 bytes of row
    /// events per single-row UPDATE; the rates come from kubernetes/loadgenerator.yaml itself.
    /// </summary>
    [Fact]
    public void A_week_of_the_load_generators_votes_fits_the_mysql_volume()
    {
        const double fixedFiles = 200 * Mebi, bytesPerVote = 350, week = 7 * 24 * 3600, defaultExpiry = 2_592_000;
        var generator = ClusterState.Items(ManifestFile.Read("kubernetes/loadgenerator.yaml").Single(d => d.Kind == "Deployment")
            .Json["spec"]!["template"]!["spec"]!["containers"]).Single();
        var votesPerSecond = Number(Args(generator), "--rate") * Number(Args(generator), "--vote-ratio");
        Assert.Equal(4, votesPerSecond, 3);

        var (_, mysql) = Database("voting-mysql");
        var args = Args(mysql);
        double kept = args.Contains("--skip-log-bin") || args.Contains("--disable-log-bin") ? 0
            : args.Any(a => a.StartsWith("--binlog-expire-logs-seconds=", StringComparison.Ordinal)) ? Number(args, "--binlog-expire-logs-seconds")
            : defaultExpiry;
        var growth = votesPerSecond * kept * bytesPerVote;
        var claim = Quantity(ManifestFile.Read("kubernetes/step-3-update-voting-app-with-new-storage.yaml")
            .Single(d => d.Key == "PersistentVolumeClaim/voting-mysql-data").Json["spec"]!["resources"]!["requests"]!["storage"]!.GetValue<string>());
        Assert.True(fixedFiles + growth <= claim, $"binary log keeps {growth / Mebi:F0} MiB of votes; with {fixedFiles / Mebi:F0} MiB fixed that exceeds {claim / Mebi:F0} MiB");
        Assert.True(votesPerSecond * defaultExpiry * bytesPerVote > claim - fixedFiles, "MySQL's default binary log would fit: the test would prove nothing");
        Assert.True(votesPerSecond * week * bytesPerVote < 1024 * Mebi, "a week of row events is what the comment on the claim computes (847 MB)");
    }

    /// <summary>The Alpine image's redis account is uid 999, gid 1000 (docker-library/redis alpine/Dockerfile).</summary>
    [Fact]
    public void Redis_runs_as_the_images_own_user_and_group()
    {
        var (redis, _) = Database("voting-redis");
        var security = redis.Deployment.Json["spec"]!["template"]!["spec"]!["securityContext"]!;
        Assert.Equal((999, 1000, 1000), (security["runAsUser"]!.GetValue<int>(), security["runAsGroup"]!.GetValue<int>(), security["fsGroup"]!.GetValue<int>()));
    }

    private const double Mebi = 1024 * 1024;

    private static (Workload Workload, JsonObject Container) Database(string app)
    {
        var workload = ClusterState.After(ManifestFiles.Steps.Count - 1).Workloads.Single(w => w.App == app);
        return (workload, workload.Containers.Single());
    }

    private static List<string> Args(JsonObject container) => container["args"]?.AsArray().Select(a => a!.GetValue<string>()).ToList() ?? [];

    private static double Number(IEnumerable<string> args, string name) =>
        double.Parse(args.Single(a => a.StartsWith(name + "=", StringComparison.Ordinal))[(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    private static double Quantity(string text)
    {
        var match = Regex.Match(text, @"^(\d+)(Mi|Gi)$");
        Assert.True(match.Success, $"storage {text}: not in Mi or Gi");
        return double.Parse(match.Groups[1].Value) * (match.Groups[2].Value == "Gi" ? 1024 * Mebi : Mebi);
    }
}
