using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Platforms;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// Who may call whom once the policies are in (after kubernetes step 3, when every workload runs):
/// only the ingress gateway reaches the app, only the app reaches analytics, only the app and analytics
/// reach storage, and only storage reaches Redis and MySQL. On the plain files and every platform variant,
/// each with its own gateway's identity.
/// </summary>
public sealed class AuthorizationTests
{
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["voting-app"] = ["istio-ingressgateway"],
        ["voting-analytics"] = ["voting-app"],
        ["voting-storage"] = ["voting-app", "voting-analytics"],
        ["voting-redis"] = ["voting-storage"],
        ["voting-mysql"] = ["voting-storage"],
    };

    [Theory]
    [MemberData(nameof(Platform.Names), MemberType = typeof(Platform))]
    public void Only_the_intended_callers_get_in(string platform)
    {
        var state = ClusterState.After(ManifestFiles.Steps.ToList().FindIndex(s => s.File.StartsWith("kubernetes/step-3", StringComparison.Ordinal)) + 1, Platform.Named(platform));
        var router = new MeshRouter(state);
        var workloads = state.Workloads.ToList();
        var callers = workloads.Select(Caller.Pod).Append(Caller.IngressGateway(state.Platform, "voting-app-gateway")).ToList();
        Assert.Equal(Expected.Keys.Order(), workloads.Select(w => w.App).Distinct().Order());
        var wrong = new List<string>();
        foreach (var target in workloads)
        {
            foreach (var caller in callers)
            {
                var callerApp = caller.Labels.GetValueOrDefault("app") ?? caller.Name;
                var expected = Expected[target.App].Contains(callerApp);
                if (router.Allows(caller, target) != expected) wrong.Add($"{caller} -> {target}: {(expected ? "denied" : "allowed")}");
            }
        }

        Assert.True(wrong.Count == 0, $"{platform}:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Every_component_runs_as_its_own_service_account()
    {
        var state = ClusterState.After(ManifestFiles.Steps.Count - 1);
        var accounts = state.Workloads.GroupBy(w => w.App).ToDictionary(g => g.Key, g => g.Select(w => w.ServiceAccount).Distinct().ToList());
        Assert.All(accounts, pair => Assert.Equal([pair.Key], pair.Value));
    }

    [Theory]
    [MemberData(nameof(Platform.Names), MemberType = typeof(Platform))]
    public void Mutual_tls_is_strict_and_every_destination_rule_uses_istio_mutual(string platform)
    {
        var state = ClusterState.After(ManifestFiles.Steps.Count, Platform.Named(platform));
        var authentication = Assert.Single(state.OfKind("PeerAuthentication"));
        Assert.Equal("STRICT", authentication.Json["spec"]!["mtls"]!["mode"]!.GetValue<string>());
        Assert.Null(authentication.Json["spec"]!["selector"]);
        Assert.All(state.OfKind("DestinationRule"), rule =>
            Assert.Equal("ISTIO_MUTUAL", rule.Json["spec"]!["trafficPolicy"]!["tls"]!["mode"]!.GetValue<string>()));
    }
}
