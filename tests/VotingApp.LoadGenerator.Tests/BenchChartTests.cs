using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;

namespace VotingApp.LoadGenerator.Tests;

/// <summary>
/// docs/benchmarks.md's chart as scripts/bench.sh makes it: BenchReport run on a results folder draws each figure
/// of the setup as a bar whose length is its ratio to the bare endpoint of the same method (one scale for all),
/// and a goal line at the goal of each figure that has one; a figure it does not know (a new reference) gets
/// its bar without a line.
/// </summary>
public sealed class BenchChartTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bench-chart").FullName;

    [Fact]
    public async Task The_chart_shows_each_figure_as_a_ratio_to_bare_with_its_goal_line()
    {
        var results = Directory.CreateDirectory(Path.Combine(_folder, "results")).FullName;
        await File.WriteAllTextAsync(Path.Combine(results, "meta.txt"), "date=2026-12-07 01:00 UTC\nconnections=16 (closed loop)\n");
        await File.WriteAllTextAsync(Path.Combine(results, "scenarios.tsv"), "");
        await File.WriteAllTextAsync(Path.Combine(results, "wrk-setup.tsv"), string.Join('\n',
            "bare-get\t50000\t1.5\tbare Kestrel GET",
            "bare-post\t60000\t1.4\tbare Kestrel POST",
            "chain-warm\t3600\t9.4\tGET / chain, warm",
            "vote-warm\t18000\t6.3\tvote POST app 1.0 → storage 1.0, warm",
            "floor-get\t20000\t2.0\tthree-process floor GET",
            ""));
        // As bench/floor-goals.sh writes it before the page (figure, measured, to bare, to floor, goal, result).
        await File.WriteAllTextAsync(Path.Combine(results, "floor-goals.tsv"), string.Join('\n',
            "vote POST chain, warm (req/s)\t2959\t0.080 (0.067–0.086)\t0.441 (0.357–0.464)\t≥ 0.8 of floor\tmissed",
            "the floor: GET / (req/s)\t5973\t0.193\t1\t\t",
            ""));
        var svgPath = Path.Combine(_folder, "chart.svg");

        // As scripts/bench.sh runs it.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "BenchReport.dll"), results, Path.Combine(_folder, "bench.md"), svgPath })
        {
            start.ArgumentList.Add(argument);
        }

        using var report = Process.Start(start)!;
        var output = report.StandardOutput.ReadToEndAsync();
        var error = await report.StandardError.ReadToEndAsync();
        await report.WaitForExitAsync();
        Assert.True(report.ExitCode is 0 or 1, $"BenchReport exited {report.ExitCode}:\n{await output}\n{error}"); // 1: a goal missed, as here
        var svg = XDocument.Load(svgPath);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var figures = svg.Descendants(ns + "g").Where(g => (string?)g.Attribute("class") == "figure")
            .ToDictionary(g => g.Element(ns + "title")!.Value.Split(':')[0], g => g);
        Assert.Equal(["GET / chain, warm", "vote POST app 1.0 → storage 1.0, warm", "three-process floor GET"], figures.Keys);

        double Number(XElement element, string attribute) => double.Parse((string)element.Attribute(attribute)!, CultureInfo.InvariantCulture);
        var expected = new Dictionary<string, (double Ratio, double? Goal)>
        {
            ["GET / chain, warm"] = (3600 / 50000.0, 0.18),
            ["vote POST app 1.0 → storage 1.0, warm"] = (18000 / 60000.0, 0.28),
            ["three-process floor GET"] = (20000 / 50000.0, null),
        };
        var scales = new List<double>();
        double? origin = null;
        foreach (var (label, (ratio, goal)) in expected)
        {
            var bar = figures[label].Element(ns + "rect")!;
            origin ??= Number(bar, "x");
            Assert.Equal(origin.Value, Number(bar, "x"));
            scales.Add(Number(bar, "width") / ratio);
            Assert.Contains(ratio.ToString("0.000", CultureInfo.InvariantCulture), figures[label].Value, StringComparison.Ordinal);
            var lines = figures[label].Elements(ns + "line").Where(line => (string?)line.Attribute("class") == "goal").ToList();
            if (goal is { } target)
            {
                var line = Assert.Single(lines);
                scales.Add((Number(line, "x1") - origin.Value) / target);
                Assert.Equal(ratio >= target ? "#1a7f37" : "#cf222e", (string?)bar.Attribute("fill"));
            }
            else
            {
                Assert.Empty(lines);
            }
        }

        // One scale for every bar and goal line (to the rounding of the SVG's coordinates).
        Assert.All(scales, scale => Assert.InRange(scale, scales[0] * 0.99, scales[0] * 1.01));
        var page = await File.ReadAllTextAsync(Path.Combine(_folder, "bench.md"));
        Assert.Contains("benchmarks", page, StringComparison.OrdinalIgnoreCase);
        // Issue 24's goals are on the page, each figure beside its ratios and its goal.
        Assert.Contains("## Goals of issue 24", page, StringComparison.Ordinal);
        Assert.Contains("| vote POST chain, warm (req/s) | 2959 | 0.080 (0.067–0.086) | 0.441 (0.357–0.464) | ≥ 0.8 of floor | **missed** |", page, StringComparison.Ordinal);
        Assert.Contains("| the floor: GET / (req/s) | 5973 | 0.193 | 1 |  |  |", page, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
