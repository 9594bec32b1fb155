using System.Globalization;
using VotingApp.ServiceDefaults;

namespace VotingApp.Analytics;

/// <summary>The results line, as counts or with shares.</summary>
public static class ResultsText
{
    /// <summary>The label of voting_results_served_total: "counts" or "shares".</summary>
    public static string Kind(ResultsLine line) => line == ResultsLine.Counts ? "counts" : "shares";

    /// <summary>
    /// Counts: "Cats: 2 | Dogs: 4". Shares add each option's share of all votes:
    /// "Cats: 2/6 (33%) | Dogs: 4/6 (67%)", rounded half away from zero, and "0/0 (0%)" before any vote.
    /// Which line a version writes: <see cref="VotingService.Analytics"/>.
    /// </summary>
    public static string Format(ResultsLine line, VoteCount first, VoteCount second)
    {
        if (line == ResultsLine.Counts)
        {
            return $"{first.Name}: {first.Count} | {second.Name}: {second.Count}";
        }

        var total = first.Count + second.Count;
        return $"{WithShare(first, total)} | {WithShare(second, total)}";
    }

    private static string WithShare(VoteCount option, long total) =>
        string.Create(CultureInfo.InvariantCulture, $"{option.Name}: {option.Count}/{total} ({Percent(option.Count, total)}%)");

    /// <summary>Whole percent, rounded half away from zero; decimal arithmetic so that 12.5 stays 12.5.</summary>
    public static long Percent(long count, long total) =>
        total == 0 ? 0 : (long)Math.Round(count * 100m / total, MidpointRounding.AwayFromZero);
}
