using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Cluster;

/// <summary>
/// Credentials as an operator keeps them: the step files carry none (so applying a step never resets the
/// operator's Secret), the sample Secret is a file of its own marked SAMPLE, MySQL has no committed root
/// password and no remote root account, and passwords reach the containers as files, not variables.
/// MySQL image facts: docker-library/mysql 8.4/docker-entrypoint.sh (commit 06118821): file_env reads
/// MYSQL_PASSWORD from MYSQL_PASSWORD_FILE (both set is an error), MYSQL_RANDOM_ROOT_PASSWORD generates the
/// root password with openssl rand, and root@'${MYSQL_ROOT_HOST}' is created unless the host is localhost.
/// </summary>
public sealed class CredentialTests
{
    private static readonly string[] SecretWords = ["PASSWORD", "SECRET", "TOKEN", "CREDENTIAL"];

    private static IEnumerable<ManifestDocument> StepDocuments() =>
        ManifestFiles.Steps.Where(s => !s.Delete).SelectMany(s => ManifestFile.Read(s.File));

    private static IEnumerable<Workload> StepWorkloads() =>
        StepDocuments().Where(d => d.Kind == "Deployment").Select(d => new Workload(d));

    private static Dictionary<string, JsonObject> Env(JsonObject container) =>
        ClusterState.Items(container["env"]).ToDictionary(e => e["name"]!.GetValue<string>());

    [Fact]
    public void No_step_file_contains_a_secret_or_a_credential_literal()
    {
        var found = new List<string>();
        foreach (var document in StepDocuments())
        {
            if (document.Kind == "Secret" || document.Json["stringData"] is not null || document.Json["data"] is not null)
            {
                found.Add($"{document}: carries data");
            }
        }

        foreach (var workload in StepWorkloads())
        {
            foreach (var (name, variable) in workload.Containers.SelectMany(Env))
            {
                var secretLike = SecretWords.Any(word => name.Contains(word, StringComparison.Ordinal)) && !name.EndsWith("_FILE", StringComparison.Ordinal);
                if (secretLike && variable["value"] is not null && name != "MYSQL_RANDOM_ROOT_PASSWORD") found.Add($"{workload}: {name} has a literal value");
            }
        }

        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [Fact]
    public void Each_sample_secret_is_its_own_file_marked_sample_with_every_key_the_steps_use()
    {
        Assert.Equal(["voting-mysql", "voting-redis"], ManifestFiles.OperatorObjects.Select(Path.GetFileNameWithoutExtension).Order());
        foreach (var file in ManifestFiles.OperatorObjects)
        {
            Assert.DoesNotContain(ManifestFiles.Steps, step => step.File == file);
            Assert.Contains("SAMPLE", File.ReadAllText(RepositoryPaths.Combine(file)));
            var secret = Assert.Single(ManifestFile.Read(file));
            Assert.Equal("Secret", secret.Kind);
            var name = secret.Json["metadata"]!["name"]!.GetValue<string>();
            Assert.Contains("sample", secret.Json["stringData"]!["password"]!.GetValue<string>());

            var referenced = StepWorkloads().SelectMany(w => w.Containers.SelectMany(c => ClusterState.Items(c["env"]))
                    .Select(e => e["valueFrom"]?["secretKeyRef"])
                    .Where(r => r?["name"]?.GetValue<string>() == name).Select(r => r!["key"]!.GetValue<string>())
                    .Concat(w.Volumes.Where(v => v["secret"]?["secretName"]?.GetValue<string>() == name)
                        .SelectMany(v => ClusterState.Items(v["secret"]!["items"])).Select(i => i["key"]!.GetValue<string>())))
                .ToHashSet();
            Assert.Equal(referenced.Order(), secret.Json["stringData"]!.AsObject().Select(p => p.Key).Order());
        }
    }

    /// <summary>
    /// Redis asks for the password of the Secret voting-redis, given as configuration on its standard input
    /// (`redis-server -`, checked with Debian's redis-server 7.0) rather than on its command line, and its
    /// probes pass it as REDISCLI_AUTH and want a PONG (redis-cli exits 0 for a NOAUTH error reply too).
    /// </summary>
    [Fact]
    public void Redis_and_storage_1_0_read_the_redis_password_from_the_secret_file()
    {
        var redis = StepWorkloads().Single(w => w.App == "voting-redis");
        var server = Assert.Single(redis.Containers);
        var script = string.Join('\n', server["command"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Contains("exec redis-server \"$@\" - <<EOF", script);
        Assert.Contains("requirepass \"$(cat /etc/voting-redis/password)\"", script);
        foreach (var probe in new[] { "readinessProbe", "livenessProbe" })
        {
            var command = string.Join(' ', server[probe]!["exec"]!["command"]!.AsArray().Select(a => a!.GetValue<string>()));
            Assert.Contains("REDISCLI_AUTH=\"$(cat /etc/voting-redis/password)\" redis-cli ping | grep -q PONG", command);
        }

        AssertSecretFile(redis, server, "/etc/voting-redis/password", fsGroup: 1000, secretName: "voting-redis");

        var storage = StepWorkloads().Single(w => w.App == "voting-storage" && w.Version == "1.0");
        var container = Assert.Single(storage.Containers);
        var env = Env(container);
        Assert.False(env.ContainsKey("REDIS_PASSWORD") || env.ContainsKey("REDIS_PWD"));
        AssertSecretFile(storage, container, env["REDIS_PASSWORD_FILE"]["value"]!.GetValue<string>(), fsGroup: 1654, secretName: "voting-redis");
    }

    [Fact]
    public void Mysql_has_a_random_local_root_and_reads_the_app_users_password_from_a_file()
    {
        var mysql = StepWorkloads().Single(w => w.App == "voting-mysql");
        var container = Assert.Single(mysql.Containers);
        var env = Env(container);
        Assert.Equal("yes", env["MYSQL_RANDOM_ROOT_PASSWORD"]["value"]!.GetValue<string>());
        // The entrypoint's default MYSQL_ROOT_HOST is '%': root from anywhere. localhost skips that account.
        Assert.Equal("localhost", env["MYSQL_ROOT_HOST"]["value"]!.GetValue<string>());
        Assert.False(env.ContainsKey("MYSQL_ROOT_PASSWORD"));
        Assert.False(env.ContainsKey("MYSQL_PASSWORD"), "file_env refuses MYSQL_PASSWORD beside MYSQL_PASSWORD_FILE");
        Assert.All(new[] { "MYSQL_DATABASE", "MYSQL_USER" }, name => Assert.NotNull(env[name]["valueFrom"]?["secretKeyRef"]));
        AssertSecretFile(mysql, container, env["MYSQL_PASSWORD_FILE"]["value"]!.GetValue<string>(), fsGroup: 999);
    }

    [Fact]
    public void Storage_reads_the_mysql_password_from_the_same_secret_file()
    {
        var storage = StepWorkloads().Single(w => w.App == "voting-storage" && w.Version == "2.0");
        var container = Assert.Single(storage.Containers);
        var env = Env(container);
        Assert.Equal("voting-mysql", env["MYSQL_HOST"]["value"]!.GetValue<string>());
        Assert.False(env.ContainsKey("MYSQL_PASSWORD"));
        Assert.All(new[] { "MYSQL_DATABASE", "MYSQL_USER" }, name => Assert.NotNull(env[name]["valueFrom"]?["secretKeyRef"]));
        AssertSecretFile(storage, container, env["MYSQL_PASSWORD_FILE"]["value"]!.GetValue<string>(), fsGroup: 1654);
    }

    /// <summary>emptyDir counts against the node's disk: a bounded /tmp gets the pod evicted, not the node filled.</summary>
    [Fact]
    public void Every_empty_dir_has_a_size_limit()
    {
        var unbounded = ManifestFiles.ObjectFiles().SelectMany(ManifestFile.Read)
            .Where(d => d.Kind == "Deployment" && d.Json["spec"]?["template"] is not null)
            .Select(d => new Workload(d))
            .SelectMany(w => w.Volumes.Where(v => v["emptyDir"] is { } dir && dir["sizeLimit"] is null).Select(v => $"{w}: {v["name"]}"))
            .ToList();
        Assert.True(unbounded.Count == 0, string.Join(", ", unbounded));
    }

    /// <summary>The path is a read-only mount of the Secret's one key, readable by the pod's group and nobody else.</summary>
    private static void AssertSecretFile(Workload workload, JsonObject container, string path, int fsGroup, string secretName = "voting-mysql")
    {
        var mount = ClusterState.Items(container["volumeMounts"]).Single(m => path.StartsWith(m["mountPath"]!.GetValue<string>() + "/", StringComparison.Ordinal));
        Assert.True(mount["readOnly"]?.GetValue<bool>(), $"{workload}: {mount["name"]} is not read-only");
        var volume = workload.Volumes.Single(v => v["name"]!.GetValue<string>() == mount["name"]!.GetValue<string>());
        var secret = volume["secret"]!;
        Assert.Equal(secretName, secret["secretName"]!.GetValue<string>());
        var item = Assert.Single(ClusterState.Items(secret["items"]));
        Assert.Equal(path[(mount["mountPath"]!.GetValue<string>().Length + 1)..], item["path"]!.GetValue<string>());
        Assert.Equal(Convert.ToInt32("440", 8), secret["defaultMode"]!.GetValue<int>());
        Assert.Equal(fsGroup, workload.Deployment.Json["spec"]!["template"]!["spec"]!["securityContext"]!["fsGroup"]!.GetValue<int>());
    }
}
