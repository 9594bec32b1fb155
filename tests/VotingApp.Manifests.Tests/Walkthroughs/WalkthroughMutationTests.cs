namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>
/// Removing any command that changes something (the cluster, or a variable a later command reads) from a
/// walkthrough makes the checks find a problem the full walkthrough does not have: so every such command is
/// needed, and the checks are strong enough to notice when one is missing. Every command of the main path
/// of every walkthrough on every platform is tried, except what the walkthrough takes from elsewhere (the
/// Flagger track's platform set-up is the Istio walkthrough's), commands that fail already (they change
/// nothing), the final clean-up, and the excursions (they add to the main path).
/// </summary>
public sealed class WalkthroughMutationTests
{
    /// <summary>Sections whose changes nothing after them can notice: the walkthrough ends there.</summary>
    private static readonly HashSet<string> Final = ["Clean up"];

    /// <summary>
    /// Commands whose removal the checks do not notice yet, and why. docs/gateway-api-walkthrough.md prints
    /// its steps as one table and what each step shows afterwards, so run as printed every step is applied
    /// before the first curl loop: a step that only changes routes, or removes Deployments nothing reaches,
    /// leaves no trace at any later point. The test fails when an entry becomes noticed, so it cannot go stale.
    /// </summary>
    private static readonly Dictionary<(string Walkthrough, string Command), string> Unnoticed = new()
    {
        [("gateway-api-sidecar", "gateway-api/step-3b-")] = "only routes: the cookie rule comes back in step 3c",
        [("gateway-api-sidecar", "gateway-api/step-3c-")] = "only routes: the weighted split, replaced in step 4",
        [("gateway-api-sidecar", "kubectl delete -f kubernetes/step-4-")] = "the old Deployments keep running, unreached",
        [("gateway-api-ambient", "gateway-api/step-3b-")] = "only routes: the cookie rule comes back in step 3c",
        [("gateway-api-ambient", "gateway-api/step-3c-")] = "only routes: the weighted split, replaced in step 4",
        [("gateway-api-ambient", "kubectl delete -f kubernetes/step-4-")] = "the old Deployments keep running, unreached",
    };

    public static TheoryData<string, string> MainPaths()
    {
        var data = new TheoryData<string, string>();
        foreach (var definition in WalkthroughDefinition.All)
        {
            foreach (var platform in definition.Platforms) data.Add(definition.Name, platform);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MainPaths))]
    public void Removing_a_command_that_changes_something_is_noticed(string walkthrough, string platform)
    {
        var run = Walkthrough.Load(walkthrough, platform);
        var baseline = run.Problems.Select(p => p.Text).ToHashSet();
        var unnoticed = run.States.Where(s => s.ChangesState && s.Failure is null && s.Command.File == run.Definition.File && !Final.Contains(s.Command.Section))
            .Where(s => run.Without(s.Index).Problems.All(p => baseline.Contains(p.Text)))
            .ToList();
        var known = Unnoticed.Keys.Where(k => k.Walkthrough == walkthrough).Select(k => k.Command).ToList();
        var surprising = unnoticed.Where(s => !known.Any(k => s.Command.Text.Contains(k, StringComparison.Ordinal))).Select(s => $"command {s.Index}: {s.Command}").ToList();
        var stale = known.Where(k => !unnoticed.Any(s => s.Command.Text.Contains(k, StringComparison.Ordinal))).ToList();
        Assert.True(surprising.Count == 0, $"{run}: without any one of these the checks find nothing new:\n" + string.Join("\n", surprising));
        Assert.True(stale.Count == 0, $"{run}: now noticed, remove from {nameof(Unnoticed)}: " + string.Join(", ", stale));
    }
}
