using System.Text.RegularExpressions;

namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>
/// One shell command as a walkthrough prints it: the text after `$ ` in a `console` block (with its
/// continuation lines), a line of a `sh`/`bash` block, or a command cell of a steps table; with the file,
/// line and heading it is under, and the one platform or mode it is for when the walkthrough says so.
/// </summary>
public sealed partial record PrintedCommand(string File, int Line, string Section, string Text, string? Only = null)
{
    /// <summary>What the walkthrough prints below the command, as its output (console blocks only).</summary>
    public IReadOnlyList<string> Output { get; init; } = [];

    /// <summary>
    /// A trailing comment that restricts a command to one platform or mode, as the walkthroughs write it
    /// ("`kubectl label namespace voting istio-injection=enabled          # sidecar mode only`").
    /// </summary>
    private static readonly (string Comment, string Only)[] Restrictions =
    [
        ("sidecar mode only", "sidecar"),
        ("ambient mode only", "ambient"),
        ("the AKS add-on", "aks"),
    ];

    public static PrintedCommand Of(string file, int line, string section, string text)
    {
        var comment = TrailingComment().Match(text);
        var only = comment.Success ? Restrictions.FirstOrDefault(r => comment.Groups[1].Value.Contains(r.Comment, StringComparison.Ordinal)).Only : null;
        return new PrintedCommand(file, line, section, text, only);
    }

    public bool IsFor(string variant) => Only is null || Only == variant;

    public override string ToString() => $"{File}:{Line} `{Text.ReplaceLineEndings(" ")}`";

    [GeneratedRegex(@"\s#\s*([^'""]*)$")]
    private static partial Regex TrailingComment();
}
