using System.Text.RegularExpressions;
using VotingApp.Manifests.Tests.Cluster;

namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>The cluster right after one command of a walkthrough, with what the checks found wrong at that point.</summary>
public sealed record WalkthroughState(int Index, PrintedCommand Command, bool ChangesState, ClusterModel Cluster, string? Failure, IReadOnlyList<string> Problems)
{
    /// <summary>Namespace voting as the routing evaluators take it.</summary>
    public ClusterState Voting => Cluster.Voting;
}

/// <summary>A problem at the first command after which it shows (it may last longer).</summary>
public sealed record WalkthroughProblem(int Index, PrintedCommand Command, string Text)
{
    public override string ToString() => $"after command {Index} ({Command}): {Text}";
}

/// <summary>
/// A walkthrough run on a model of the cluster, command by command, as printed: e.g.
/// `Walkthrough.Load("istio", "aks").States` is the cluster after each of its commands on the AKS add-on.
/// A command kubectl, helm or istioctl would refuse is a problem at that command, and the run goes on
/// without its effect; a command this model does not know stops the run (<see cref="NotSupportedException"/>).
/// </summary>
public sealed partial class Walkthrough
{
    private Walkthrough(WalkthroughDefinition definition, string platform, string? excursion, IReadOnlyList<PrintedCommand> commands)
    {
        Definition = definition;
        Platform = platform;
        Excursion = excursion;
        Commands = commands;
        States = Run(definition, platform, commands);
    }

    public WalkthroughDefinition Definition { get; }
    public string Platform { get; }
    public string? Excursion { get; }
    public IReadOnlyList<PrintedCommand> Commands { get; }
    public IReadOnlyList<WalkthroughState> States { get; }

    /// <summary>"istio", "gateway-api-sidecar", "gateway-api-ambient" or "flagger"; a platform it supports; optionally one excursion.</summary>
    public static Walkthrough Load(string name, string platform, string? excursion = null)
    {
        var definition = WalkthroughDefinition.Named(name);
        if (!definition.Platforms.Contains(platform)) throw new ArgumentException($"{name} supports {string.Join(", ", definition.Platforms)}, not {platform}");
        return new Walkthrough(definition, platform, excursion, definition.Commands(platform, excursion));
    }

    /// <summary>The same run without the command at <paramref name="index"/>: what an operator who skipped it would get.</summary>
    public Walkthrough Without(int index) =>
        new(Definition, Platform, Excursion, Commands.Where((_, i) => i != index).ToList());

    /// <summary>Each problem once, at the first command after which it shows.</summary>
    public IReadOnlyList<WalkthroughProblem> Problems =>
        States.SelectMany(s => (s.Failure is null ? s.Problems : s.Problems.Prepend($"the command fails: {s.Failure}")).Select(p => new WalkthroughProblem(s.Index, s.Command, p)))
            .DistinctBy(p => p.Text)
            .ToList();

    public override string ToString() => $"{Definition.Name} on {Platform}{(Excursion is null ? "" : $" with {Excursion}")}";

    private static List<WalkthroughState> Run(WalkthroughDefinition definition, string platform, IReadOnlyList<PrintedCommand> commands)
    {
        // The Gateway API track applies the plain files (upstream istioctl's gateway); the others their platform's variants.
        var cluster = new ClusterModel(definition.Mode is null ? Platforms.Platform.Named(platform) : Platforms.Platform.Files);
        var shell = new ShellSession(cluster);
        var states = new List<WalkthroughState>();
        var canaryOver = false;
        for (var i = 0; i < commands.Count; i++)
        {
            string? failure = null;
            try
            {
                shell.Run(commands[i].Text);
            }
            catch (CommandFailed e)
            {
                failure = e.Message;
            }
            catch (NotSupportedException e)
            {
                throw new NotSupportedException($"{definition.Name} on {platform}, command {i} ({commands[i]}): {e.Message}. Model it in Walkthroughs/ShellSession.cs, or add it to a read-only list there if it changes nothing.", e);
            }

            var printed = PrintedResults(commands[i], failure is null ? shell.Results : []).ToList();
            if (failure is null && CanaryWatch().IsMatch(commands[i].Text)) printed.AddRange(FlaggerCanaries.Observe(cluster, commands[i], "voting"));
            canaryOver |= shell.Changed && failure is null && CanaryEnd().IsMatch(commands[i].Text);
            var picture = definition == WalkthroughDefinition.IstioTrack ? PictureAfter(commands, i) : null;
            states.Add(new WalkthroughState(i, commands[i], shell.Changed, cluster.Copy(), failure, WalkthroughChecks.All(cluster, canaryOver, picture).Concat(printed).ToList()));
        }

        return states;
    }

    /// <summary>
    /// What the walkthrough prints as kubectl's answer ("… created", "… configured", "… deleted from voting
    /// namespace") is what kubectl would answer on this cluster, line for line (the "unchanged" ones may be
    /// left out); with a "…" line among them, the printed lines are some of kubectl's, in its order.
    /// </summary>
    private static IEnumerable<string> PrintedResults(PrintedCommand command, IReadOnlyList<string> results)
    {
        var printed = command.Output.Where(line => KubectlResult().IsMatch(line)).ToList();
        if (printed.Count == 0) yield break;
        var elided = command.Output.Any(line => line.Trim() is "…" or "...");
        // A listing without any "unchanged" line leaves those out, as walkthroughs often do.
        var expected = printed.Any(line => line.EndsWith(" unchanged", StringComparison.Ordinal)) ? results : results.Where(line => !line.EndsWith(" unchanged", StringComparison.Ordinal)).ToList();
        var matches = elided ? IsSubsequence(printed, expected) : printed.SequenceEqual(expected);
        if (!matches) yield return $"{command} prints\n    {string.Join("\n    ", printed)}\n  but kubectl would print\n    {string.Join("\n    ", results)}";
    }

    private static bool IsSubsequence(List<string> part, IReadOnlyList<string> whole)
    {
        var at = 0;
        foreach (var line in whole) if (at < part.Count && part[at] == line) at++;
        return at == part.Count;
    }

    [GeneratedRegex(@"kubectl get canar(y|ies)\b")]
    private static partial Regex CanaryWatch();

    [GeneratedRegex(@"^[a-z0-9.-]+(/\S+ (created|configured|unchanged|labeled)| ""[^""]+"" deleted.*)$")]
    private static partial Regex KubectlResult();

    /// <summary>
    /// The picture docs/istio-walkthrough.md draws between this command and its next one: it shows the cluster
    /// the commands before it built (so a skipped step shows there, not only where the step was).
    /// </summary>
    private static string? PictureAfter(IReadOnlyList<PrintedCommand> commands, int index)
    {
        var command = commands[index];
        if (command.File != WalkthroughDefinition.IstioTrack.File) return null;
        var next = commands.Skip(index + 1).FirstOrDefault(c => c.File == command.File && c.Section == command.Section)?.Line ?? int.MaxValue;
        return PictureLines.Value.Where(p => p.Section == command.Section && p.Line > command.Line && p.Line < next).Select(p => p.Step).LastOrDefault();
    }

    /// <summary>Each picture's step file, the line of its `%% after` header and the heading it is under.</summary>
    private static readonly Lazy<List<(string Step, int Line, string Section)>> PictureLines = new(() =>
    {
        var lines = File.ReadAllLines(RepositoryPaths.Combine(WalkthroughDefinition.IstioTrack.File));
        return WalkthroughChecks.Pictures.Value.Select(p =>
        {
            var at = Array.FindIndex(lines, l => l.Trim() == $"%% after {p.Step}");
            var heading = lines.Take(at).Last(l => l.StartsWith('#'));
            return (p.Step, at + 1, heading.TrimStart('#').Trim());
        }).ToList();
    });

    /// <summary>Istio step 4 (everyone on 2.0) and after: the canary, and with it its optional faults and mirrors, is over.</summary>
    [GeneratedRegex(@"istio/step-[45](?![\w-])|istio/step-[45]-")]
    private static partial Regex CanaryEnd();
}
