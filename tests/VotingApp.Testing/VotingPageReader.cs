using System.Net;
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

    /// <summary>POSTs vote=<paramref name="option"/> (and the page's token=, when given) as the page's form does and returns the status code.</summary>
    public static async Task<int> VoteAsync(HttpClient app, string option, string? token = null)
    {
        using var response = await app.PostAsync("/", VoteForm(option, token));
        return (int)response.StatusCode;
    }

    /// <summary>Presses the page's Reset button as a browser does: loads the page and posts vote=reset with its token; returns the status code.</summary>
    public static async Task<int> ResetAsync(HttpClient app)
    {
        var token = VoteTokens(await app.GetStringAsync("/"))[0];
        return await VoteAsync(app, "reset", token);
    }

    /// <summary>The form a vote button sends: vote=option, and the page's vote token when there is one.</summary>
    public static FormUrlEncodedContent VoteForm(string option, string? token) =>
        new(token is null ? [new("vote", option)] : [new("vote", option), new("token", token)]);

    /// <summary>The vote tokens of a page's forms (the vote form; the retry form of a problem page), in order.</summary>
    public static IReadOnlyList<string> VoteTokens(string html) =>
        HiddenFields(html).Where(field => field.Key == "token").Select(field => field.Value).ToList();

    /// <summary>The hidden fields of a page or of one of its forms, as a browser sends them: name and decoded value, in order.</summary>
    public static List<KeyValuePair<string, string>> HiddenFields(string html) =>
        HiddenField().Matches(html).Select(match => new KeyValuePair<string, string>(match.Groups["name"].Value, WebUtility.HtmlDecode(match.Groups["value"].Value))).ToList();

    [GeneratedRegex("""<input[^>]*type="hidden"[^>]*name="(?<name>[^"]+)"[^>]*value="(?<value>[^"]*)"[^>]*>""", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenField();
}
