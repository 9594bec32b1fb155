using System.Text.RegularExpressions;
using VotingApp.Manifests.Tests.Cluster;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// docs/istio-walkthrough.md draws, after each step, who routes where (a Mermaid flowchart whose first line
/// is `%% after &lt;step file&gt;`). Its edges must be exactly the calls the routing evaluator computes for that
/// step: every caller that gets traffic (or, for storage, always runs) to every pod its calls reach.
/// </summary>
public sealed partial class PictureTests
{
    private static readonly string?[] Cookies = [.. RoutingTests.FlagOn, .. RoutingTests.FlagOff];

    [Fact]
    public void The_walkthrough_has_one_picture_per_step()
    {
        Assert.Equal(ManifestFiles.Steps.Select(s => s.File), Pictures().Select(p => p.Step));
    }

    public static TheoryData<int> Steps() => new(Enumerable.Range(1, ManifestFiles.Steps.Count));

    [Theory]
    [MemberData(nameof(Steps))]
    public void Each_picture_has_the_edges_the_routing_evaluator_computes(int steps)
    {
        var step = ManifestFiles.Steps[steps - 1];
        var drawn = Pictures().Single(p => p.Step == step.File).Edges;
        var computed = ComputedEdges(new CallGraph(new MeshRouter(ClusterState.After(steps))));
        Assert.True(drawn.SetEquals(computed),
            $"after {step}: drawn but not routed: {string.Join(", ", drawn.Except(computed))}; routed but not drawn: {string.Join(", ", computed.Except(drawn))}");
    }

    /// <summary>"app_2_0 --> analytics_2_0", as the pictures name the nodes.</summary>
    public static HashSet<string> ComputedEdges(CallGraph graph)
    {
        var edges = new HashSet<string>();
        foreach (var (caller, host, request) in graph.LiveCalls(Cookies))
        {
            var from = caller.Gateway is not null ? "gateway" : Node(graph.Router.State.Workloads.Single(w => w.Name == caller.Name));
            foreach (var target in graph.Router.Route(caller, host, request).Where(t => graph.Router.Allows(caller, t)))
            {
                edges.Add($"{from} --> {Node(target)}");
            }
        }

        return edges;
    }

    private static string Node(Workload workload)
    {
        var name = workload.App["voting-".Length..];
        return name is "redis" or "mysql" ? name : $"{name}_{workload.Version!.Replace('.', '_')}";
    }

    /// <summary>Each picture of docs/istio-walkthrough.md: the step file it is drawn after, and its edges.</summary>
    public static List<(string Step, HashSet<string> Edges)> Pictures()
    {
        var text = File.ReadAllText(RepositoryPaths.Combine("docs/istio-walkthrough.md"));
        return Block().Matches(text).Select(block =>
        {
            var lines = block.Groups["body"].Value.Split('\n');
            var header = AfterLine().Match(lines[0]);
            Assert.True(header.Success, $"a mermaid picture without '%% after <step file>': {lines[0]}");
            var edges = lines.Select(line => Edge().Match(line)).Where(m => m.Success)
                .Select(m => $"{m.Groups["from"].Value} --> {m.Groups["to"].Value}").ToHashSet();
            return (header.Groups["file"].Value, edges);
        }).Where(p => p.Item1.Length > 0).ToList();
    }

    [GeneratedRegex(@"```mermaid\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"^%% after (?<file>\S+)\s*$")]
    private static partial Regex AfterLine();

    // from, optionally its label (["..."], (["..."]), [(...)]), optionally an edge label -- "..." , then --> to
    [GeneratedRegex(@"^\s*(?<from>\w+)(?:\[[^\]]*\]|\(\[[^\]]*\]\)|\[\([^)]*\)\])?\s*(?:--\s*""[^""]*""\s*)?-->\s*(?<to>\w+)")]
    private static partial Regex Edge();
}
