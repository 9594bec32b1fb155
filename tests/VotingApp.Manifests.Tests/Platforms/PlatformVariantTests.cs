using System.Text.Json.Nodes;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Routing;
using VotingApp.Manifests.Tests.Schemas;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Platforms;

/// <summary>
/// The platform variants (platforms/&lt;platform&gt;/&lt;folder&gt;/&lt;step&gt;) are generated from the one set of step
/// files: each names exactly its step file plus the platform's gateway component and the image list, and
/// renders to the step file's documents, in the same order, with only the platform's values changed.
/// Routing, cross-references and make-before-break run over every variant in their own test classes.
/// </summary>
public sealed class PlatformVariantTests
{
    private static readonly RolloutStep[] Everything = [.. ManifestFiles.Steps, .. ManifestFiles.OptionalSteps, RolloutStep.LoadGenerator];

    public static TheoryData<string, string> VariantSteps()
    {
        var data = new TheoryData<string, string>();
        foreach (var platform in Platform.Variants)
        {
            foreach (var step in Everything) data.Add(platform.Name, step.File);
        }

        return data;
    }

    [Fact]
    public void Every_variant_folder_is_a_step_of_some_platform()
    {
        var expected = Platform.Variants.SelectMany(p => Everything.Select(p.VariantFolder)).Concat(Flagger.FlaggerTrack.Applied).Order(StringComparer.Ordinal).ToList();
        var found = Directory.EnumerateFiles(RepositoryPaths.Combine("platforms"), "kustomization.yaml", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(RepositoryPaths.Root, Path.GetDirectoryName(path)!).Replace('\\', '/'))
            .Where(folder => folder.Split('/').Length == 4)
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, found);
    }

    [Theory]
    [MemberData(nameof(VariantSteps))]
    public void A_variant_names_its_step_file_and_only_the_shared_components(string platformName, string file)
    {
        var platform = Platform.Named(platformName);
        var folder = platform.VariantFolder(new RolloutStep(file));
        var kustomization = ManifestFile.Read($"{folder}/kustomization.yaml").Single().Json;
        Assert.Equal(["../../../../" + file], Strings(kustomization["resources"]));
        Assert.Equal(["../../gateway", "../../../images"], Strings(kustomization["components"]));
        Assert.Equal("fifo", kustomization["sortOptions"]?["order"]?.GetValue<string>());
        Assert.Equal(["apiVersion", "kind", "sortOptions", "resources", "components"], kustomization.Select(p => p.Key));
    }

    /// <summary>Same documents, same order; the only differences are the platform's gateway values and the images.</summary>
    [Theory]
    [MemberData(nameof(VariantSteps))]
    public void A_variant_renders_the_step_file_with_only_the_platform_values_changed(string platformName, string file)
    {
        var platform = Platform.Named(platformName);
        var step = new RolloutStep(file);
        var plain = ManifestFile.Read(file);
        var rendered = platform.Read(step);
        Assert.Equal(plain.Select(d => d.Key), rendered.Select(d => d.Key));
        foreach (var (original, variant) in plain.Zip(rendered))
        {
            var expected = Expected(original.Json.DeepClone().AsObject(), platform);
            Assert.True(JsonNode.DeepEquals(expected, variant.Json), $"{variant}:\n{variant.Json}\nexpected\n{expected}");
        }
    }

    [SchemaTheory]
    [MemberData(nameof(VariantSteps))]
    public void Every_rendered_document_matches_its_schema(string platformName, string file)
    {
        var documents = Platform.Named(platformName).Read(new RolloutStep(file));
        Assert.NotEmpty(documents);
        var problems = documents.SelectMany(d => SchemaSet.Validate(d.Json).Select(p => $"{d}: {p}")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// The same AuthorizationPolicies: on every platform, after every step, each workload admits exactly the
    /// callers it admits with the plain files, with that platform's gateway in place of the default one.
    /// </summary>
    [Theory]
    [MemberData(nameof(CrossReferenceTests.PlatformSteps), MemberType = typeof(CrossReferenceTests))]
    public void A_variant_allows_the_same_callers_with_its_own_gateway(string platformName, int steps)
    {
        var platform = Platform.Named(platformName);
        var files = new MeshRouter(ClusterState.After(steps));
        var variant = new MeshRouter(ClusterState.After(steps, platform));
        var defaultGateway = Caller.IngressGateway("voting-app-gateway");
        var ownGateway = Caller.IngressGateway(platform, "voting-app-gateway");
        var wrong = new List<string>();
        foreach (var target in variant.State.Workloads)
        {
            foreach (var caller in variant.State.Workloads.Select(Caller.Pod))
            {
                if (variant.Allows(caller, target) != files.Allows(caller, target)) wrong.Add($"{caller} -> {target}");
            }

            if (variant.Allows(ownGateway, target) != files.Allows(defaultGateway, target)) wrong.Add($"{platform} gateway -> {target}");
            if (platform.GatewayPrincipal != defaultGateway.Principal && variant.State.OfKind("AuthorizationPolicy").Any() && variant.Allows(defaultGateway, target))
            {
                wrong.Add($"istio-system's gateway -> {target}: allowed on {platform}");
            }
        }

        Assert.True(wrong.Count == 0, $"{platform}, after {ManifestFiles.Steps[steps - 1]}: differs from the plain files:\n" + string.Join("\n", wrong));
    }

    /// <summary>Every voting image in every variant, the load generator's included, comes from the registry.</summary>
    [Fact]
    public void Every_voting_image_comes_from_the_registry_in_every_variant() =>
        RegistryImages.Assert(Platform.Variants.SelectMany(p => Everything.SelectMany(p.Read)), "/voting-loadgenerator:1.0");

    /// <summary>What the step file's document becomes on the platform: registry images and the gateway's values.</summary>
    private static JsonObject Expected(JsonObject document, Platform platform)
    {
        var kind = document["kind"]!.GetValue<string>();
        var name = document["metadata"]!["name"]!.GetValue<string>();
        foreach (var container in ClusterState.Items(document["spec"]?["template"]?["spec"]?["containers"]))
        {
            var image = container["image"]!.GetValue<string>();
            if (image.StartsWith("voting-", StringComparison.Ordinal)) container["image"] = "myregistry.example.com/voting/" + image;
            foreach (var env in ClusterState.Items(container["env"]).Where(e => name == "voting-loadgenerator" && e["name"]!.GetValue<string>() == "TARGET_URL"))
            {
                env["value"] = platform.GatewayUrl;
            }
        }

        if (kind == "Gateway") document["spec"]!["selector"] = new JsonObject { ["istio"] = platform.GatewayLabel };
        if (kind == "AuthorizationPolicy" && name == "voting-app")
        {
            foreach (var source in ClusterState.Items(document["spec"]!["rules"]).SelectMany(r => ClusterState.Items(r["from"])).Select(f => f["source"]!.AsObject()))
            {
                source["principals"] = new JsonArray(source["principals"]!.AsArray().Select(_ => (JsonNode)platform.GatewayPrincipal).ToArray());
            }
        }

        return document;
    }

    private static List<string> Strings(JsonNode? list) => list?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [];
}
