using System.Text;

namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>
/// The part of POSIX shell grammar the walkthroughs print: simple commands with quotes, `$VAR`, `${VAR}`
/// and `$(…)`, pipelines, `&amp;&amp;`/`||`, `;`, `&amp;`, redirections (ignored), comments, `VAR=value`, and the
/// `for … in …; do …; done` / `until …; do …; done` loops. Anything else is refused, so that a command
/// the walkthrough starts printing is never half-understood.
/// </summary>
public static class ShellScript
{
    public abstract record Node;

    /// <summary>Raw words (quotes kept, expanded by the runner); a leading `VAR=value` is an assignment.</summary>
    public sealed record Simple(IReadOnlyList<string> Words, bool Background) : Node;

    public sealed record Pipeline(IReadOnlyList<Simple> Commands) : Node;

    /// <summary>`a &amp;&amp; b || c`: each operator with the pipeline it joins.</summary>
    public sealed record AndOr(Pipeline First, IReadOnlyList<(string Operator, Pipeline Next)> Rest) : Node;

    public sealed record Loop(string Keyword, string? Variable, IReadOnlyList<string> Items, IReadOnlyList<Node> Condition, IReadOnlyList<Node> Body) : Node;

    public static IReadOnlyList<Node> Parse(string text)
    {
        var tokens = Tokenize(text.Replace("\\\n", " "));
        var position = 0;
        var list = ParseList(tokens, ref position, stopAt: []);
        if (position != tokens.Count) throw new NotSupportedException($"unexpected `{tokens[position].Text}` in `{text}`");
        return list;
    }

    private sealed record Token(bool IsOperator, string Text);

    private static List<Node> ParseList(List<Token> tokens, ref int position, HashSet<string> stopAt)
    {
        var nodes = new List<Node>();
        while (position < tokens.Count)
        {
            var token = tokens[position];
            if (token.IsOperator && token.Text == ";") { position++; continue; }
            if (!token.IsOperator && stopAt.Contains(token.Text)) break;
            if (!token.IsOperator && token.Text is "for" or "until" or "while") nodes.Add(ParseLoop(tokens, ref position));
            else nodes.Add(ParseAndOr(tokens, ref position));
        }

        return nodes;
    }

    private static Node ParseLoop(List<Token> tokens, ref int position)
    {
        var keyword = tokens[position++].Text;
        string? variable = null;
        var items = new List<string>();
        IReadOnlyList<Node> condition = [];
        if (keyword == "for")
        {
            variable = Word(tokens, ref position);
            if (Word(tokens, ref position) != "in") throw new NotSupportedException("for without in");
            while (position < tokens.Count && !tokens[position].IsOperator) items.Add(tokens[position++].Text);
        }
        else
        {
            condition = ParseList(tokens, ref position, ["do"]);
        }

        while (position < tokens.Count && tokens[position].IsOperator && tokens[position].Text == ";") position++;
        if (Word(tokens, ref position) != "do") throw new NotSupportedException($"{keyword} without do");
        var body = ParseList(tokens, ref position, ["done"]);
        if (Word(tokens, ref position) != "done") throw new NotSupportedException($"{keyword} without done");
        return new Loop(keyword, variable, items, condition, body);
    }

    private static string Word(List<Token> tokens, ref int position) =>
        position < tokens.Count && !tokens[position].IsOperator ? tokens[position++].Text : throw new NotSupportedException("a word was expected");

    private static Node ParseAndOr(List<Token> tokens, ref int position)
    {
        var first = ParsePipeline(tokens, ref position);
        var rest = new List<(string, Pipeline)>();
        while (position < tokens.Count && tokens[position] is { IsOperator: true, Text: "&&" or "||" })
        {
            var op = tokens[position++].Text;
            rest.Add((op, ParsePipeline(tokens, ref position)));
        }

        return rest.Count == 0 && first.Commands.Count == 1 ? first.Commands[0] : new AndOr(first, rest);
    }

    private static Pipeline ParsePipeline(List<Token> tokens, ref int position)
    {
        var commands = new List<Simple>();
        while (true)
        {
            var words = new List<string>();
            while (position < tokens.Count && !tokens[position].IsOperator) words.Add(tokens[position++].Text);
            if (words.Count == 0) throw new NotSupportedException("an empty command");
            var background = position < tokens.Count && tokens[position].Text == "&";
            if (background) position++;
            commands.Add(new Simple(words, background));
            if (position < tokens.Count && tokens[position].Text == "|") { position++; continue; }
            return new Pipeline(commands);
        }
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is ' ' or '\t') { i++; continue; }
            if (c == '\n') { tokens.Add(new Token(true, ";")); i++; continue; }
            if (c == '#') { while (i < text.Length && text[i] != '\n') i++; continue; }
            if (c is '|' or '&' or ';')
            {
                var two = i + 1 < text.Length && text[i + 1] == c && c != ';';
                tokens.Add(new Token(true, two ? $"{c}{c}" : c.ToString()));
                i += two ? 2 : 1;
                continue;
            }

            if (c is '>' or '<' || (char.IsDigit(c) && i + 1 < text.Length && text[i + 1] == '>'))
            {
                // A redirection and its target: where output goes does not change the cluster.
                while (i < text.Length && (char.IsDigit(text[i]) || text[i] is '>' or '<' or '&')) i++;
                while (i < text.Length && text[i] == ' ') i++;
                if (i > 0 && text[i - 1] != '&') ReadWord(text, ref i);
                continue;
            }

            tokens.Add(new Token(false, ReadWord(text, ref i)));
        }

        return tokens;
    }

    private static string ReadWord(string text, ref int i)
    {
        var word = new StringBuilder();
        while (i < text.Length && text[i] is not (' ' or '\t' or '\n' or '|' or '&' or ';' or '>' or '<'))
        {
            var start = i;
            switch (text[i])
            {
                case '\'':
                    i = text.IndexOf('\'', i + 1) + 1;
                    if (i == 0) throw new NotSupportedException($"an open quote in `{text}`");
                    break;
                case '"':
                    i++;
                    while (i < text.Length && text[i] != '"')
                    {
                        if (text[i] == '\\') i++;
                        else if (text[i] == '$' && i + 1 < text.Length && text[i + 1] == '(') i = Balanced(text, i + 1) - 1;
                        i++;
                    }

                    if (i >= text.Length) throw new NotSupportedException($"an open quote in `{text}`");
                    i++;
                    break;
                case '\\':
                    i += 2;
                    break;
                case '$' when i + 1 < text.Length && text[i + 1] == '(':
                    i = Balanced(text, i + 1);
                    break;
                default:
                    i++;
                    break;
            }

            word.Append(text, start, i - start);
        }

        return word.ToString();
    }

    /// <summary>The index after the `)` that closes the `(` at <paramref name="open"/>, skipping quoted text.</summary>
    public static int Balanced(string text, int open)
    {
        var depth = 0;
        var quote = '\0';
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '\'' or '"') quote = c;
            else if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i + 1;
        }

        throw new NotSupportedException($"an open $( in `{text}`");
    }
}
