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
        var known = run.Problems.Select(p => p.Text).ToHashSet();
        var unnoticed = run.States.Where(s => s.ChangesState && s.Failure is null && s.Command.File == run.Definition.File && !Final.Contains(s.Command.Section))
            .Where(s => run.Without(s.Index).Problems.All(p => known.Contains(p.Text)))
            .Select(s => $"command {s.Index}: {s.Command}")
            .ToList();
        Assert.True(unnoticed.Count == 0, $"{run}: without any one of these the checks find nothing new:\n" + string.Join("\n", unnoticed));
    }
}
