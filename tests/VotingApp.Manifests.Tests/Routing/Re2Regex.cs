using System.Text.RegularExpressions;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// Envoy's safe_regex (Istio's `regex:` string match): RE2 syntax, matched against the WHOLE value.
/// .NET's NonBacktracking engine is the closest: like RE2 it has linear-time matching and refuses
/// backreferences, lookarounds, atomic groups and conditionals. Known gaps, none of which the cookie
/// regex uses: .NET's \s, \d, \w and case folding are Unicode-aware where RE2's are ASCII; RE2's
/// (?P&lt;name&gt;) and \C, \pN forms differ; .NET's `$` also matches before a final newline (a header
/// value holds none).
/// </summary>
public static class Re2Regex
{
    public static bool FullMatch(string pattern, string value) =>
        new Regex($@"\A(?:{pattern})\z", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant).IsMatch(value);
}
