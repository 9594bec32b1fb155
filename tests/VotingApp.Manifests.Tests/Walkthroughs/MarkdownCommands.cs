using System.Text.RegularExpressions;

namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>
/// The shell commands of a walkthrough, in the order it prints them: every `console` block's `$ ` lines,
/// every `sh`/`bash` block's lines, and, in the sections named as steps tables, each row's command per
/// column (a cell "same" repeats the column before it). A command goes on over the next lines while its
/// line ends with `\`, a quote is open, or a `for`/`until` has no `done` yet. Other blocks (output, YAML,
/// Mermaid) hold no commands.
/// </summary>
public static partial class MarkdownCommands
{
    private static readonly HashSet<string> Shells = ["console", "sh", "bash", "shell"];

    public static IReadOnlyList<PrintedCommand> Read(string file, IReadOnlySet<string> stepsTables)
    {
        var lines = File.ReadAllLines(RepositoryPaths.Combine(file));
        var commands = new List<PrintedCommand>();
        var section = "";
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (fence.Success)
            {
                var indent = fence.Groups[1].Value.Length;
                var language = fence.Groups[2].Value;
                var body = new List<(int Line, string Text)>();
                for (i++; i < lines.Length && !Fence().IsMatch(lines[i]); i++)
                {
                    body.Add((i + 1, lines[i].Length >= indent ? lines[i][indent..] : lines[i].TrimStart()));
                }

                if (Shells.Contains(language)) commands.AddRange(Commands(file, section, body, prompted: language == "console"));
                continue;
            }

            if (Heading().Match(lines[i]) is { Success: true } heading) section = heading.Groups[1].Value.Trim();
            else if (stepsTables.Contains(section) && lines[i].StartsWith('|')) i = ReadTable(file, section, lines, i, commands);
        }

        return commands;
    }

    private static IEnumerable<PrintedCommand> Commands(string file, string section, List<(int Line, string Text)> body, bool prompted)
    {
        for (var i = 0; i < body.Count; i++)
        {
            var (line, text) = body[i];
            if (prompted ? !text.StartsWith("$ ", StringComparison.Ordinal) : text.Trim().Length == 0 || text.TrimStart().StartsWith('#')) continue;
            var command = prompted ? text[2..] : text;
            while (Continues(command) && i + 1 < body.Count) command += "\n" + body[++i].Text;
            var output = new List<string>();
            while (prompted && i + 1 < body.Count && !body[i + 1].Text.StartsWith("$ ", StringComparison.Ordinal)) output.Add(body[++i].Text);
            yield return PrintedCommand.Of(file, line, section, command) with { Output = output };
        }
    }

    /// <summary>The line goes on: a trailing backslash, an open quote, or a loop without its `done`.</summary>
    public static bool Continues(string command)
    {
        if (command.EndsWith('\\')) return true;
        var quote = '\0';
        foreach (var c in command)
        {
            if (quote == '\0' && c is '\'' or '"') quote = c;
            else if (c == quote) quote = '\0';
        }

        return quote != '\0' || Loop().Matches(command).Count > Done().Matches(command).Count;
    }

    private static int ReadTable(string file, string section, string[] lines, int start, List<PrintedCommand> commands)
    {
        var header = Cells(lines[start]);
        var variants = header.Skip(1).Select(h => h.Split(' ')[0].ToLowerInvariant()).ToList();
        var i = start + 1;
        for (; i < lines.Length && lines[i].StartsWith('|'); i++)
        {
            var cells = Cells(lines[i]);
            if (cells.All(c => c.Trim('-', ' ', ':').Length == 0)) continue;
            var previous = "";
            for (var column = 1; column < cells.Count && column <= variants.Count; column++)
            {
                var cell = cells[column] == "same" ? previous : cells[column];
                previous = cell;
                foreach (Match code in Code().Matches(cell))
                {
                    commands.Add(PrintedCommand.Of(file, i + 1, section, code.Groups[1].Value.Replace(@"\|", "|")) with { Only = variants[column - 1] });
                }
            }
        }

        return i - 1;
    }

    private static List<string> Cells(string row) =>
        CellSplit().Split(row.Trim().Trim('|')).Select(c => c.Trim()).ToList();

    [GeneratedRegex(@"^( *)```(\w*)")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^#+\s+(.*)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Code();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellSplit();

    [GeneratedRegex(@"(^|[\s;])(for|until|while)\s")]
    private static partial Regex Loop();

    [GeneratedRegex(@"(^|[\s;])done\b")]
    private static partial Regex Done();
}
