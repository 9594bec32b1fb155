using System.Text.RegularExpressions;

namespace VotingApp.Delivery.Tests;

/// <summary>
/// Just enough PromQL reading for the checks here: the metric names a query selects and the label names it
/// matches on or groups by, and the Grafana and Flagger placeholders filled in as they would be.
/// </summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords =
        ["sum", "rate", "histogram_quantile", "or", "vector", "by", "without", "and", "unless", "avg", "max", "min", "count"];

    /// <summary>Grafana's $namespace and $__rate_interval; Flagger's {{ namespace }}, {{ target }} and {{ interval }}.</summary>
    public static string Fill(string query, string target = "") => query
        .Replace("$namespace", "voting", StringComparison.Ordinal)
        .Replace("$__rate_interval", "1m", StringComparison.Ordinal)
        .Replace("{{ namespace }}", "voting", StringComparison.Ordinal)
        .Replace("{{ target }}", target, StringComparison.Ordinal)
        .Replace("{{ interval }}", "1m", StringComparison.Ordinal);

    public static IReadOnlySet<string> Metrics(string query) =>
        Selector().Matches(query).Select(m => m.Groups["metric"].Value).Where(name => !Keywords.Contains(name)).ToHashSet();

    public static IReadOnlySet<string> Labels(string query)
    {
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match braces in Braces().Matches(query))
        {
            foreach (Match matcher in Matcher().Matches(braces.Groups[1].Value)) labels.Add(matcher.Groups[1].Value);
        }

        foreach (Match grouping in Grouping().Matches(query))
        {
            foreach (var name in grouping.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)) labels.Add(name);
        }

        return labels;
    }

    /// <summary>Whether the query reads Istio's metrics (not the services' own).</summary>
    public static bool IsIstio(string query) => Metrics(query).Any(m => m.StartsWith("istio_", StringComparison.Ordinal));

    [GeneratedRegex(@"(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{")]
    private static partial Regex Selector();

    [GeneratedRegex(@"\{([^}]*)\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"\b(?:by|without)\s*\(([^)]*)\)")]
    private static partial Regex Grouping();
}
