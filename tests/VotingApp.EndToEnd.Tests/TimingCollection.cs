namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// Tests that measure the services' own time bounds (0.8 s a try, 2 s in all, a permit held while a call
/// hangs): run alone, after the others, so that neither their load nor the others' skews the clock.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
