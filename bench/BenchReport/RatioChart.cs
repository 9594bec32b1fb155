using System.Globalization;
using System.Net;
using System.Text;

namespace BenchReport;

/// <summary>A measured figure as a share of its reference measured in the same run (bare = 1), with its goal if it has one.</summary>
public sealed record RatioBar(string Label, double RequestsPerSecond, string Reference, double ReferenceRequestsPerSecond, double? Goal)
{
    public double Ratio => RequestsPerSecond / ReferenceRequestsPerSecond;
}

/// <summary>
/// The chart of docs/benchmarks.md as SVG text: one horizontal bar per figure, its length the ratio to the bare
/// endpoint (so the bare endpoint's 50k req/s and the chain's 3k do not share one linear axis), and a goal line
/// across each bar that has a goal; green when met, red when missed, grey without a goal.
/// </summary>
public static class RatioChart
{
    private const int Width = 900, LabelWidth = 330, Right = 250, Top = 56, BarHeight = 26, Gap = 14, Bottom = 40;
    private const string Met = "#1a7f37", Missed = "#cf222e", NoGoal = "#6e7781", GoalLine = "#1f2328";

    public static string Svg(string title, IReadOnlyList<RatioBar> bars)
    {
        var height = Top + bars.Count * (BarHeight + Gap) + Bottom;
        var scale = NiceCeiling(bars.Select(bar => Math.Max(bar.Ratio, bar.Goal ?? 0)).DefaultIfEmpty(0).Max());
        double X(double ratio) => LabelWidth + ratio / scale * (Width - LabelWidth - Right);
        var svg = new StringBuilder();
        svg.Append(Invariant($"""
            <svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{height}" viewBox="0 0 {Width} {height}" font-family="system-ui, sans-serif" font-size="13" role="img" aria-label="{E(title)}">
            <rect width="{Width}" height="{height}" fill="#fff"/>
            <text x="12" y="22" font-size="15" font-weight="bold">{E(title)}</text>
            <text x="12" y="42" fill="#57606a">bar: requests per second as a share of the bare endpoint's in the same run; black line: the goal</text>

            """));
        for (var tick = 0; tick <= 4; tick++)
        {
            var ratio = scale * tick / 4;
            svg.Append(Invariant($"""<line x1="{X(ratio):0.#}" x2="{X(ratio):0.#}" y1="{Top - 4}" y2="{height - Bottom + 4}" stroke="#d0d7de"/><text x="{X(ratio):0.#}" y="{height - Bottom + 20}" text-anchor="middle" fill="#57606a">{ratio:0.##}</text>"""));
            svg.Append('\n');
        }

        for (var index = 0; index < bars.Count; index++)
        {
            var bar = bars[index];
            var y = Top + index * (BarHeight + Gap);
            var colour = bar.Goal is not { } goal ? NoGoal : bar.Ratio >= goal ? Met : Missed;
            var verdict = bar.Goal is { } g ? $", goal ≥ {g:0.00}: {(bar.Ratio >= g ? "met" : "missed")}" : "";
            svg.Append(Invariant($"""
                <g class="figure"><title>{E(bar.Label)}: {bar.Ratio:0.000} ({bar.RequestsPerSecond:#,0} / {bar.ReferenceRequestsPerSecond:#,0} req/s of {E(bar.Reference)}){E(verdict)}</title>
                <text x="{LabelWidth - 8}" y="{y + BarHeight / 2 + 4}" text-anchor="end">{E(bar.Label)}</text>
                <rect class="ratio" x="{LabelWidth}" y="{y}" width="{Math.Max(X(bar.Ratio) - LabelWidth, 1):0.#}" height="{BarHeight}" fill="{colour}"/>
                <text x="{X(Math.Max(bar.Ratio, bar.Goal ?? 0)) + 8:0.#}" y="{y + BarHeight / 2 + 4}">{bar.Ratio:0.000} ({bar.RequestsPerSecond:#,0} req/s){(bar.Goal is { } shown ? $", goal {shown:0.00}" : "")}</text>

                """));
            if (bar.Goal is { } target)
            {
                svg.Append(Invariant($"""<line class="goal" x1="{X(target):0.#}" x2="{X(target):0.#}" y1="{y - 4}" y2="{y + BarHeight + 4}" stroke="{GoalLine}" stroke-width="3"><title>goal ≥ {target:0.00}</title></line>"""));
                svg.Append('\n');
            }

            svg.Append("</g>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>1, 2 or 5 times a power of ten, at least <paramref name="value"/>: a round end of the axis.</summary>
    private static double NiceCeiling(double value)
    {
        if (value <= 0) return 1;
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return new[] { 1, 2, 5, 10 }.Select(step => step * power).First(candidate => candidate >= value * 1.0001);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
