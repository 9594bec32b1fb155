using System.Globalization;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.Analytics;

/// <summary>How a version writes the results line; its name is the label of voting_results_served_total.</summary>
public enum ResultsFormat
{
    /// <summary>"Cats: 2 | Dogs: 4".</summary>
    Counts,

    /// <summary>"Cats: 2/6 (33%) | Dogs: 4/6 (67%)".</summary>
    Shares,
}

/// <summary>Writes the results line the way this analytics version does.</summary>
public sealed class ResultsWriter(ServiceIdentity identity)
{
    /// <summary>What each version of <see cref="ServiceCatalog.Analytics"/> writes (a test checks that every version has one).</summary>
    public static readonly IReadOnlyDictionary<string, ResultsFormat> ByVersion = new Dictionary<string, ResultsFormat>
    {
        ["1.0"] = ResultsFormat.Counts,
        ["1.1"] = ResultsFormat.Shares,
        ["2.0"] = ResultsFormat.Shares,
    };

    /// <summary>A version not in the table never starts (ServiceIdentity), so this one has a format.</summary>
    public ResultsFormat Format { get; } = ByVersion.GetValueOrDefault(identity.Version);

    /// <summary>The label of voting_results_served_total: "counts" or "shares".</summary>
    public string Label => Format == ResultsFormat.Counts ? "counts" : "shares";

    public string Write(VoteCount first, VoteCount second) => Write(Format, first, second);

    /// <summary>
    /// Counts: "Cats: 2 | Dogs: 4". Shares add each option's share of all votes:
    /// "Cats: 2/6 (33%) | Dogs: 4/6 (67%)", rounded half away from zero, and "0/0 (0%)" before any vote.
    /// </summary>
    public static string Write(ResultsFormat format, VoteCount first, VoteCount second)
    {
        if (format == ResultsFormat.Counts)
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
