using System.Globalization;
using VotingApp.ServiceDefaults;

namespace VotingApp.Analytics;

/// <summary>The results line as each analytics version writes it.</summary>
public static class ResultsText
{
    /// <summary>Which results line a version writes: "counts" (1.0) or "shares" (1.1, 2.0), a label of voting_results_served_total.</summary>
    public static string Kind(string analyticsVersion) => analyticsVersion == "1.0" ? "counts" : "shares";

    /// <summary>
    /// 1.0: "Cats: 2 | Dogs: 4". 1.1 and 2.0 add each option's share of all votes:
    /// "Cats: 2/6 (33%) | Dogs: 4/6 (67%)", rounded half away from zero, and "0/0 (0%)" before any vote.
    /// </summary>
    public static string Format(string analyticsVersion, VoteCount first, VoteCount second)
    {
        if (analyticsVersion == "1.0")
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
