namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>
/// The visitor checks that <see cref="WalkthroughTests"/> runs after every command (<see cref="WalkthroughChecks.Visitors"/>)
/// can fail: an old storage route sends a flagged visitor's votes to the other store, and a mesh installed without
/// the Gateway API track's retry policy re-sends votes.
/// </summary>
public sealed class WalkthroughVisitorTests
{
    /// <summary>After istio step 3b, with step 2's storage route back (it knows no app 2.0), a flagged visitor's votes go to Redis.</summary>
    [Theory]
    [InlineData("aks")]
    [InlineData("istioctl")]
    [InlineData("helm")]
    public void A_storage_route_without_the_20_chain_sends_a_flagged_visitors_votes_to_the_other_store(string platform)
    {
        var cluster = Walkthrough.Load("istio", platform).States.Last(s => s.Command.Text.Contains("istio/step-3b", StringComparison.Ordinal)).Cluster.Copy();
        Assert.Empty(WalkthroughChecks.Visitors(cluster));
        cluster.Apply("voting", Yaml.ManifestFile.Read("istio/step-2-update-and-add-routing-for-all-components.yaml").Single(d => d.Key == "VirtualService/voting-storage"));
        Assert.Contains(WalkthroughChecks.Visitors(cluster), p => p.Contains("app 2.0", StringComparison.Ordinal) && p.Contains("storage 1.0", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("gateway-api-sidecar")]
    [InlineData("gateway-api-ambient")]
    public void Without_the_mesh_retry_policy_votes_are_resent(string walkthrough)
    {
        var last = Walkthrough.Load(walkthrough, "istioctl").States[^1].Cluster.Copy();
        Assert.Empty(WalkthroughChecks.Visitors(last));
        last.Istio = last.Istio! with { DefaultHttpRetryPolicy = null };
        Assert.Contains(WalkthroughChecks.Visitors(last), p => p.Contains("gateway POST /", StringComparison.Ordinal));
    }
}
