using System.Text.RegularExpressions;

namespace VotingApp.Testing;

/// <summary>Reads the voting page as the article's curl loop does: the lines that contain "results".</summary>
public static partial class VotingPageReader
{
    public static IReadOnlyList<string> ResultsLines(string html) =>
        html.Split('\n').Where(line => line.Contains("results", StringComparison.Ordinal)).Select(line => line.TrimEnd('\r')).ToList();

    /// <summary>The one results line; fails when there is none or more than one.</summary>
    public static string ResultsLine(string html)
    {
        var lines = ResultsLines(html);
        return lines.Count == 1 ? lines[0] : throw new InvalidOperationException($"Expected one results line, found {lines.Count}:\n{html}");
    }

    /// <summary>POSTs vote=<paramref name="option"/> as the page's form does and returns the status code.</summary>
    public static async Task<int> VoteAsync(HttpClient app, string option)
    {
        using var response = await app.PostAsync("/", new FormUrlEncodedContent([new("vote", option)]));
        return (int)response.StatusCode;
    }
}
