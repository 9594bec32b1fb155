namespace VotingApp.Containers.Tests;

/// <summary>One instruction of a Dockerfile, its continuation lines joined: "RUN", "a &amp;&amp; b".</summary>
public sealed record Instruction(string Keyword, string Arguments)
{
    public override string ToString() => $"{Keyword} {Arguments}";
}

/// <summary>A stage: its FROM line's image and name, and the instructions after it.</summary>
public sealed record DockerStage(string Image, string? Name, IReadOnlyList<Instruction> Instructions);

/// <summary>A Dockerfile read just enough for the checks: global ARGs and stages.</summary>
public sealed class DockerfileModel
{
    private DockerfileModel(IReadOnlyList<Instruction> globalArgs, IReadOnlyList<DockerStage> stages)
    {
        GlobalArgs = globalArgs;
        Stages = stages;
    }

    public IReadOnlyList<Instruction> GlobalArgs { get; }
    public IReadOnlyList<DockerStage> Stages { get; }
    public DockerStage Final => Stages[^1];

    public DockerStage Stage(string name) =>
        Stages.SingleOrDefault(stage => stage.Name == name) ?? throw new InvalidOperationException($"no stage '{name}'");

    /// <summary>The default of a global ARG (ARG NAME=value before the first FROM).</summary>
    public string? GlobalDefault(string name) => GlobalArgs
        .Select(arg => arg.Arguments.Split('=', 2))
        .Where(parts => parts[0] == name)
        .Select(parts => parts.Length == 2 ? parts[1].Trim('"') : null)
        .SingleOrDefault();

    public static DockerfileModel Load(string path) => Parse(File.ReadAllLines(path));

    public static DockerfileModel Parse(IEnumerable<string> lines)
    {
        var instructions = new List<Instruction>();
        string? pending = null;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (pending is null && (line.TrimStart().StartsWith('#') || line.Length == 0)) continue;
            var continued = line.EndsWith('\\');
            var text = continued ? line[..^1] : line;
            pending = pending is null ? text.Trim() : pending + " " + text.Trim();
            if (continued) continue;
            var parts = pending.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            instructions.Add(new Instruction(parts[0].ToUpperInvariant(), parts.Length > 1 ? string.Join(' ', parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)) : ""));
            pending = null;
        }

        var globalArgs = instructions.TakeWhile(i => i.Keyword != "FROM").ToList();
        var stages = new List<DockerStage>();
        foreach (var instruction in instructions.Skip(globalArgs.Count))
        {
            if (instruction.Keyword == "FROM")
            {
                var words = instruction.Arguments.Split(' ').Where(word => !word.StartsWith("--", StringComparison.Ordinal)).ToArray();
                var name = words.Length >= 3 && words[^2].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[^1] : null;
                stages.Add(new DockerStage(words[0], name, []));
            }
            else
            {
                var last = stages[^1];
                stages[^1] = last with { Instructions = [.. last.Instructions, instruction] };
            }
        }

        return new DockerfileModel(globalArgs, stages);
    }
}
