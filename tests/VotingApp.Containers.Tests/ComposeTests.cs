using VotingApp.Contracts;
using VotingApp.Testing;
using YamlDotNet.RepresentationModel;

namespace VotingApp.Containers.Tests;

/// <summary>
/// compose/docker-compose-{1.0,1.1,2.0}.yaml, parsed and checked against what exists: the images that
/// build-images.sh builds, the ports the services listen on, the variables they read. They are not run
/// here: that needs Redis and MySQL images, which this machine cannot pull.
/// </summary>
public sealed class ComposeTests
{
    private static readonly string[] VotingServices = [.. ServiceCatalog.All.Select(service => service.Name)];

    public static TheoryData<string> Stages => new(ContainerFiles.Stages.Select(stage => stage.Name));

    private static Stage StageNamed(string name) => ContainerFiles.Stages.Single(stage => stage.Name == name);

    private static YamlMappingNode LoadServices(string stage)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(ContainerFiles.ComposeFile(stage)))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)Assert.Single(yaml.Documents).RootNode;
        return (YamlMappingNode)root["services"];
    }

    private static YamlMappingNode Service(YamlMappingNode services, string name) => (YamlMappingNode)services[name];

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    private static IReadOnlyList<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value)
            ? [.. ((YamlSequenceNode)value).Children.Select(item => ((YamlScalarNode)item).Value ?? "")]
            : [];

    /// <summary>The environment as a dictionary, from either the mapping or the list ("KEY=value") form.</summary>
    private static Dictionary<string, string> Environment(YamlMappingNode service)
    {
        if (!service.Children.TryGetValue(new YamlScalarNode("environment"), out var node)) return [];
        return node switch
        {
            YamlMappingNode map => map.Children.ToDictionary(pair => ((YamlScalarNode)pair.Key).Value!, pair => ((YamlScalarNode)pair.Value).Value ?? ""),
            YamlSequenceNode list => list.Children.Select(item => ((YamlScalarNode)item).Value!.Split('=', 2)).ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : ""),
            _ => throw new InvalidOperationException("environment is neither a mapping nor a list"),
        };
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void Runs_the_three_services_of_the_stage_plus_its_store(string name)
    {
        var stage = StageNamed(name);
        var services = LoadServices(name);
        var names = services.Children.Keys.Select(key => ((YamlScalarNode)key).Value).ToHashSet();
        Assert.Equal(VotingServices.Append(stage.Store).Order(), names.Order());
        Assert.Contains(stage.Store, Scalar(Service(services, stage.Store), "image"));
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task Every_voting_image_is_one_that_build_images_builds_in_the_stages_version(string name)
    {
        var built = (await ChildProcess.RunAsync("bash", [ContainerFiles.BuildScript, "--list"], TimeSpan.FromSeconds(30),
            new Dictionary<string, string?> { ["REGISTRY"] = null })).EnsureSuccess().Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var stage = StageNamed(name);
        var services = LoadServices(name);
        foreach (var service in ServiceCatalog.All)
        {
            var image = Scalar(Service(services, service.Name), "image");
            Assert.Equal($"{service.Name}:{stage.VersionOf(service)}", image);
            Assert.Contains(image, built);
        }
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void Only_the_app_is_published_on_localhost_8080(string name)
    {
        var services = LoadServices(name);
        foreach (var service in VotingServices)
        {
            var ports = Sequence(Service(services, service), "ports");
            // The container port is the one the service listens on: 8080, unless the file says otherwise.
            var listens = Environment(Service(services, service)).GetValueOrDefault("ASPNETCORE_HTTP_PORTS", "8080");
            Assert.All(ports, port => Assert.Equal(listens, port.Split(':')[^1]));
            if (service == ServiceCatalog.App.Name)
            {
                Assert.Equal(["127.0.0.1:8080:8080"], ports);
            }
            else
            {
                Assert.Empty(ports);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void Every_variable_is_one_the_service_reads(string name)
    {
        var services = LoadServices(name);
        foreach (var service in ServiceCatalog.All)
        {
            foreach (var variable in Environment(Service(services, service.Name)).Keys)
            {
                Assert.True(ServiceConfiguration.Reads(service, variable),
                    $"{name}: {service.Name} does not read {variable}; it reads {string.Join(", ", ServiceConfiguration.Keys(service))} and the generic ones");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void Every_service_finds_the_one_it_calls(string name)
    {
        var stage = StageNamed(name);
        var services = LoadServices(name);
        var app = Environment(Service(services, "voting-app"));
        var analytics = Environment(Service(services, "voting-analytics"));
        var storage = Environment(Service(services, "voting-storage"));

        // The app and analytics reach the services by their compose names on their port.
        foreach (var (settings, prefix, target) in new[]
                 {
                     (app, "ANALYTICS", "voting-analytics"), (app, "STORAGE", "voting-storage"), (analytics, "STORAGE", "voting-storage"),
                 })
        {
            Assert.Equal(target, settings.GetValueOrDefault(prefix + "_HOST", target));
            Assert.Equal(Environment(Service(services, target)).GetValueOrDefault("ASPNETCORE_HTTP_PORTS", "8080"), settings.GetValueOrDefault(prefix + "_PORT", "8080"));
        }

        if (stage.Store == "redis")
        {
            Assert.Equal("redis", storage["REDIS_HOST"]);
            Assert.Equal("6379", storage.GetValueOrDefault("REDIS_PORT", "6379"));
            Assert.DoesNotContain(storage.Keys, key => key.StartsWith("MYSQL_", StringComparison.Ordinal));
        }
        else
        {
            var mysql = Environment(Service(services, "mysql"));
            Assert.Equal("mysql", storage["MYSQL_HOST"]);
            Assert.Equal("3306", storage.GetValueOrDefault("MYSQL_PORT", "3306"));
            Assert.Equal(mysql["MYSQL_USER"], storage["MYSQL_USER"]);
            Assert.Equal(mysql["MYSQL_PASSWORD"], storage["MYSQL_PASSWORD"]);
            Assert.Equal(mysql["MYSQL_DATABASE"], storage.GetValueOrDefault("MYSQL_DATABASE", "votes"));
            Assert.DoesNotContain(storage.Keys, key => key.StartsWith("REDIS_", StringComparison.Ordinal));
        }

        // The vote options must be the same in the app and storage.
        foreach (var key in new[] { "VOTE1VALUE", "VOTE2VALUE" })
        {
            Assert.Equal(app.GetValueOrDefault(key), storage.GetValueOrDefault(key));
        }

        // depends_on names services of this file.
        foreach (var service in services.Children.Values.Cast<YamlMappingNode>())
        {
            if (!service.Children.TryGetValue(new YamlScalarNode("depends_on"), out var dependsOn)) continue;
            var targets = dependsOn is YamlMappingNode map ? map.Children.Keys : ((YamlSequenceNode)dependsOn).Children;
            Assert.All(targets, target => Assert.True(services.Children.ContainsKey(target), $"depends_on {target}: no such service"));
        }
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public void Voting_services_run_on_a_read_only_root_file_system_with_tmp_writable(string name)
    {
        var services = LoadServices(name);
        foreach (var service in VotingServices)
        {
            Assert.Equal("true", Scalar(Service(services, service), "read_only"));
            Assert.Contains("/tmp", Sequence(Service(services, service), "tmpfs"));
        }
    }

    [Fact]
    public void Variables_are_found_per_service_in_the_assemblies()
    {
        // The check above is only as good as this: each service's variables, and not another's.
        Assert.Superset(new HashSet<string> { "TITLE", "SHOWDETAILS", "FEATUREFLAG", "VOTE1VALUE", "ANALYTICS_HOST", "ANALYTICS_PORT", "STORAGE_HOST", "STORAGE_PORT" },
            new HashSet<string>(ServiceConfiguration.Keys(ServiceCatalog.App)));
        Assert.Equal(["STORAGE_HOST", "STORAGE_PORT"], ServiceConfiguration.Keys(ServiceCatalog.Analytics));
        Assert.Superset(new HashSet<string> { "REDIS_HOST", "REDIS_PORT", "MYSQL_HOST", "MYSQL_PASSWORD", "MYSQL_DATABASE", "STORAGE_BACKEND", "VOTE2VALUE" },
            new HashSet<string>(ServiceConfiguration.Keys(ServiceCatalog.Storage)));
        Assert.False(ServiceConfiguration.Reads(ServiceCatalog.Analytics, "REDIS_HOST"));
        Assert.False(ServiceConfiguration.Reads(ServiceCatalog.Storage, "ANALYTICS_HOST"));
        Assert.False(ServiceConfiguration.Reads(ServiceCatalog.App, "MYSQL_PASSWORD"));
        Assert.True(ServiceConfiguration.Reads(ServiceCatalog.Analytics, "OTEL_SERVICE_NAME"));
        Assert.True(ServiceConfiguration.Reads(ServiceCatalog.Storage, "VOTING_VERSION"));
    }
}
