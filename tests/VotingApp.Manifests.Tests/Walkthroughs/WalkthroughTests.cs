namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>
/// Each walkthrough, run as printed on every platform it supports (and with each optional detour), leaves
/// the cluster sound after every command: see <see cref="WalkthroughChecks"/> for what that means.
/// </summary>
public sealed class WalkthroughTests
{
    /// <summary>Walkthrough, platform, and excursion ("" for the main path).</summary>
    public static TheoryData<string, string, string> Runs()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var definition in WalkthroughDefinition.All)
        {
            foreach (var platform in definition.Platforms)
            {
                foreach (var excursion in definition.Excursions.Prepend("")) data.Add(definition.Name, platform, excursion);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Every_command_leaves_a_sound_cluster(string walkthrough, string platform, string excursion)
    {
        var run = Walkthrough.Load(walkthrough, platform, excursion is "" ? null : excursion);
        Assert.True(run.Problems.Count == 0, $"{run}:\n" + string.Join("\n", run.Problems));
    }
}
