using VotingApp.Manifests.Tests.Platforms;

namespace VotingApp.Manifests.Tests;

/// <summary>The external tools the files are meant for: yamllint and kubectl's kustomize.</summary>
public sealed class ToolTests
{
    /// <summary>yamllint (Debian package, installed by scripts/test.sh) with the repository's .yamllint.</summary>
    [Fact]
    public async Task Yamllint_passes_on_every_file()
    {
        var files = ManifestFiles.AllYamlFiles().Concat(Flagger.FlaggerTrack.YamlFiles()).Append("dashboards/kustomization.yaml")
            .Select(f => RepositoryPaths.Combine(f)).Prepend(RepositoryPaths.Combine(".yamllint")).ToArray();
        Assert.Contains(files, f => f.EndsWith("step-1-create-voting-app.yaml", StringComparison.Ordinal));
        string[] arguments = ["-c", RepositoryPaths.Combine(".yamllint"), "-f", "parsable", "--strict", .. files];
        using var lint = StartOrExplain("yamllint", arguments, "apt-get install yamllint (scripts/test.sh does)");
        Assert.True(await lint.WaitForExitAsync(TimeSpan.FromMinutes(2)), "yamllint did not finish");
        Assert.True(lint.ExitCode == 0, lint.Output);
    }

    /// <summary>The same yamllint settings do catch a problem (so the test above can fail).</summary>
    [Fact]
    public async Task Yamllint_reports_a_bad_file()
    {
        var bad = Path.Combine(RepositoryPaths.NewTempFolder("yamllint"), "bad.yaml");
        await File.WriteAllTextAsync(bad, "a: 1\na: 2\nb:   [1,2]   \n");
        using var lint = StartOrExplain("yamllint", ["-c", RepositoryPaths.Combine(".yamllint"), "-f", "parsable", bad], "apt-get install yamllint");
        Assert.True(await lint.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.NotEqual(0, lint.ExitCode);
        Assert.Contains("key-duplicates", lint.Output);
    }

    /// <summary>
    /// kubectl's kustomize is v5 or later: the platform variants need it (sortOptions, --load-restrictor).
    /// Fails, saying what to install, with an older kubectl such as Debian 12's kubernetes-client.
    /// </summary>
    [Fact]
    public void Kubectl_has_kustomize_5_or_later() => Assert.True(Kustomize.Version >= Kustomize.Minimum);

    /// <summary>kubernetes/kustomization.yaml renders offline: every version side by side, the voting images from the registry.</summary>
    [Fact]
    public void Kustomize_points_every_voting_image_at_the_registry() =>
        RegistryImages.Assert(Kustomize.Render("kubernetes"), "voting-app:2.0");

    private static ChildProcess StartOrExplain(string tool, IEnumerable<string> arguments, string howToInstall)
    {
        try
        {
            return ChildProcess.Start(tool, arguments);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{tool} is not installed: {howToInstall}", e);
        }
    }
}
