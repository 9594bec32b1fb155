using VotingApp.Manifests.Tests.Platforms;
using VotingApp.Manifests.Tests.Walkthroughs;

namespace VotingApp.Manifests.Tests.Cluster;

/// <summary>
/// After every step of the walkthrough (the files applied so far, in order), everything one object
/// names exists: subsets, the pods they select, ports, Secrets and their keys, ServiceAccounts, volumes.
/// For the step files as they are and for every platform's kustomize variant of them.
/// </summary>
public sealed class CrossReferenceTests
{
    /// <summary>1 = after the first step, ...; the step's file is in every failure message.</summary>
    public static TheoryData<int> StepCounts() => new(Enumerable.Range(1, ManifestFiles.Steps.Count));

    /// <summary>Each platform (the plain files and every variant) with each step count.</summary>
    public static TheoryData<string, int> PlatformSteps()
    {
        var data = new TheoryData<string, int>();
        foreach (var platform in Platform.All)
        {
            foreach (var steps in Enumerable.Range(1, ManifestFiles.Steps.Count)) data.Add(platform.Name, steps);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PlatformSteps))]
    public void Every_virtual_service_subset_exists_in_a_destination_rule(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        AssertNone(platform, steps, CrossReferences.SubsetsMissing(state).ToList());
    }

    [Theory]
    [MemberData(nameof(PlatformSteps))]
    public void Every_subset_selects_pods_of_its_service(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        AssertNone(platform, steps, CrossReferences.EmptySubsets(state).ToList());
    }

    [Theory]
    [MemberData(nameof(PlatformSteps))]
    public void Every_destination_host_is_a_service_with_that_port(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        AssertNone(platform, steps, CrossReferences.UnknownHosts(state).ToList());
    }

    [Theory]
    [MemberData(nameof(PlatformSteps))]
    public void Every_service_selects_pods_with_its_target_port(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        AssertNone(platform, steps, CrossReferences.ServicesWithoutPods(state).ToList());
    }

    [Theory]
    [MemberData(nameof(PlatformSteps))]
    public void Every_secret_key_service_account_and_volume_claim_exists(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        AssertNone(platform, steps, WalkthroughChecks.References(ClusterModel.From(state)).ToList());
    }

    [Theory]
    [MemberData(nameof(PlatformSteps))]
    public void Every_authorization_policy_names_existing_identities(string platform, int steps)
    {
        var state = ClusterState.After(steps, Platform.Named(platform));
        var missing = new List<string>();
        foreach (var policy in state.OfKind("AuthorizationPolicy"))
        {
            var principals = ClusterState.Items(policy.Json["spec"]!["rules"])
                .SelectMany(rule => ClusterState.Items(rule["from"]))
                .SelectMany(from => from["source"]!["principals"]!.AsArray().Select(p => p!.GetValue<string>()));
            foreach (var principal in principals.Where(p => p.StartsWith("cluster.local/ns/voting/sa/", StringComparison.Ordinal)))
            {
                if (state.Find("ServiceAccount", principal.Split('/')[^1]) is null) missing.Add($"{policy}: {principal}");
            }
        }

        AssertNone(platform, steps, missing);
    }

    private static void AssertNone(string platform, int steps, List<string> problems) =>
        Assert.True(problems.Count == 0, $"{platform}, after {ManifestFiles.Steps[steps - 1]}:\n" + string.Join("\n", problems));
}
