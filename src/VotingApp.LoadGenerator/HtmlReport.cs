using System.Globalization;
using System.Net;
using System.Text;

namespace VotingApp.LoadGenerator;

/// <summary>
/// The --report file: one self-contained HTML page (no script, no external file) with the run's figures,
/// a table per chain of versions (requests, success rate, p50, p99) and an SVG chart of p50 and p99 over time
/// per chain, so a canary's latency is seen beside the stable version's.
/// </summary>
public static class HtmlReport
{
    private static readonly string[] Colours = ["#1f6feb", "#d1242f", "#1a7f37", "#8250df", "#bf8700", "#0a7e8c", "#6e7781"];
    private const int Width = 760, Height = 300, Left = 60, Right = 20, Top = 20, Bottom = 40;

    public static async Task WriteAsync(RunSummary summary, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(path, Render(summary));
    }

    public static string Render(RunSummary summary)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Load report: {E(summary.Url)}</title>
            <style>body{"{"}font-family:system-ui,sans-serif;margin:2rem;color:#1f2328{"}"} table{"{"}border-collapse:collapse{"}"}
            td,th{"{"}border:1px solid #d0d7de;padding:.3rem .6rem;text-align:right{"}"} td:first-child,th:first-child{"{"}text-align:left{"}"}</style>
            </head><body>
            <h1>{E(summary.Mode)} {E(summary.Url)}</h1>
            <p>{summary.StartedAt:yyyy-MM-dd HH:mm:ss} UTC, {summary.DurationSeconds:0.0} s, {summary.Model} model, {summary.Connections} connections:
            {summary.Requests:#,0} requests, {summary.RequestsPerSecond:#,0.0} req/s, errors {summary.ErrorPercent:0.00}%,
            p50 {summary.LatencyMs.P50:0.00} ms, p99 {summary.LatencyMs.P99:0.00} ms.</p>
            <h2>Per chain of versions</h2>
            <table><tr><th>x-voting-chain</th><th>requests</th><th>success</th><th>p50 (ms)</th><th>p99 (ms)</th></tr>

            """);
        foreach (var chain in summary.Chains)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td><span style=\"color:{ColourOf(summary, chain.Chain)}\">&#9632;</span> {E(chain.Chain)}</td><td>{chain.Requests:#,0}</td>" +
                $"<td>{chain.SuccessPercent:0.00}%</td><td>{chain.P50:0.00}</td><td>{chain.P99:0.00}</td></tr>\n");
        }

        html.Append("</table>\n<h2>Latency over time</h2>\n<p>p99 solid, p50 dashed, per interval and chain.</p>\n");
        html.Append(Chart(summary));
        html.Append("\n</body></html>\n");
        return html.ToString();
    }

    private static string Chart(RunSummary summary)
    {
        var points = summary.Timeline;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"p50 and p99 latency over time per chain of versions\">\n");
        if (points.Count == 0)
        {
            svg.Append("<text x=\"20\" y=\"40\">No interval was recorded.</text>\n</svg>");
            return svg.ToString();
        }

        var maxSeconds = Math.Max(points.Max(point => point.Seconds), 1);
        var maxMs = NiceCeiling(points.Max(point => point.Interval.P99Microseconds) / 1000.0);
        double X(double seconds) => Left + seconds / maxSeconds * (Width - Left - Right);
        double Y(double ms) => Height - Bottom - ms / maxMs * (Height - Top - Bottom);

        for (var tick = 0; tick <= 4; tick++)
        {
            var ms = maxMs * tick / 4;
            svg.Append(CultureInfo.InvariantCulture,
                $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Y(ms):0.#}\" y2=\"{Y(ms):0.#}\" stroke=\"#d0d7de\"/><text x=\"{Left - 6}\" y=\"{Y(ms) + 4:0.#}\" text-anchor=\"end\" font-size=\"11\">{ms:0.##} ms</text>\n");
            var seconds = maxSeconds * tick / 4;
            svg.Append(CultureInfo.InvariantCulture,
                $"<text x=\"{X(seconds):0.#}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" font-size=\"11\">{seconds:0.#} s</text>\n");
        }

        foreach (var chain in points.GroupBy(point => point.Chain))
        {
            var colour = ColourOf(summary, chain.Key);
            foreach (var (percentile, dash) in new[] { (99, ""), (50, " stroke-dasharray=\"4 3\"") })
            {
                var path = string.Join(' ', chain.Select(point => string.Create(CultureInfo.InvariantCulture,
                    $"{X(point.Seconds):0.#},{Y((percentile == 99 ? point.Interval.P99Microseconds : point.Interval.P50Microseconds) / 1000.0):0.#}")));
                svg.Append(CultureInfo.InvariantCulture,
                    $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{dash} points=\"{path}\"><title>{E(chain.Key)} p{percentile}</title></polyline>\n");
            }
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string ColourOf(RunSummary summary, string chain)
    {
        var index = summary.Chains.Select(c => c.Chain).ToList().IndexOf(chain);
        return Colours[(index < 0 ? Colours.Length - 1 : index) % Colours.Length];
    }

    /// <summary>1, 2 or 5 times a power of ten, at least <paramref name="value"/>: round numbers on the axis.</summary>
    private static double NiceCeiling(double value)
    {
        if (value <= 0) return 1;
        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return new[] { 1, 2, 5, 10 }.Select(step => step * power).First(candidate => candidate >= value);
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
