using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using HdrHistogram;
using Spectre.Console;

namespace VotingApp.LoadGenerator;

public sealed record LatencySummary(double P50, double P90, double P99, double P999, double Max, double Mean);

/// <summary>
/// What one chain of versions answered (x-voting-chain, e.g. "app/2.0 analytics/2.0 storage/2.0"): what a
/// canary is judged by, as Flagger's request-success-rate and request-duration checks judge it. Milliseconds.
/// </summary>
public sealed record ChainSummary(string Chain, long Requests, long Errors, double SuccessPercent, double P50, double P99);

/// <summary>The result of a run, as printed and as written by --json.</summary>
public sealed record RunSummary
{
    public required string Url { get; init; }
    public required string Mode { get; init; }
    public required string Model { get; init; }
    public required int Connections { get; init; }
    public double? TargetRate { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required double DurationSeconds { get; init; }
    public required long Requests { get; init; }
    public required long BrowseRequests { get; init; }
    public required long VoteRequests { get; init; }
    public required long Errors { get; init; }
    public required double ErrorPercent { get; init; }
    public required double MaxErrorPercent { get; init; }
    public required double RequestsPerSecond { get; init; }

    /// <summary>Milliseconds.</summary>
    public required LatencySummary LatencyMs { get; init; }

    public required SortedDictionary<string, long> StatusCounts { get; init; }

    /// <summary>service → version → share of the answers that named the service (0..1).</summary>
    public required SortedDictionary<string, SortedDictionary<string, double>> VersionMix { get; init; }

    /// <summary>service → version → answers.</summary>
    public required SortedDictionary<string, SortedDictionary<string, long>> VersionCounts { get; init; }

    public required long AnswersWithoutChain { get; init; }

    /// <summary>Per chain of versions, the most requests first.</summary>
    public required IReadOnlyList<ChainSummary> Chains { get; init; }

    /// <summary>Per interval and chain (for --report).</summary>
    public required IReadOnlyList<TimelinePoint> Timeline { get; init; }

    public required bool Passed { get; init; }

    public static RunSummary From(LoadSettings settings, Stats stats, DateTimeOffset startedAt, TimeSpan elapsed)
    {
        var histogram = stats.Snapshot();
        var requests = stats.Requests;
        var errors = stats.Errors;
        var errorPercent = requests == 0 ? 100 : errors * 100.0 / requests;
        var counts = new SortedDictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        foreach (var (token, count) in stats.ChainTokens)
        {
            var slash = token.IndexOf('/');
            var (service, version) = slash > 0 ? (token[..slash], token[(slash + 1)..]) : (token, "?");
            if (!counts.TryGetValue(service, out var versions)) counts[service] = versions = new(StringComparer.Ordinal);
            versions[version] = versions.GetValueOrDefault(version) + count;
        }

        var mix = new SortedDictionary<string, SortedDictionary<string, double>>(StringComparer.Ordinal);
        foreach (var (service, versions) in counts)
        {
            var total = versions.Values.Sum();
            mix[service] = new SortedDictionary<string, double>(versions.ToDictionary(v => v.Key, v => Math.Round((double)v.Value / total, 4)), StringComparer.Ordinal);
        }

        return new RunSummary
        {
            Url = settings.Url.ToString(),
            Mode = settings.Mode.ToString().ToLowerInvariant(),
            Model = settings.IsOpenModel ? "open" : "closed",
            Connections = settings.Connections,
            TargetRate = settings.IsOpenModel ? settings.Rate : null,
            StartedAt = startedAt,
            DurationSeconds = Math.Round(elapsed.TotalSeconds, 3),
            Requests = requests,
            BrowseRequests = stats.BrowseRequests,
            VoteRequests = stats.VoteRequests,
            Errors = errors,
            ErrorPercent = Math.Round(errorPercent, 4),
            MaxErrorPercent = settings.MaxErrorsPercent,
            RequestsPerSecond = Math.Round(elapsed.TotalSeconds > 0 ? requests / elapsed.TotalSeconds : 0, 1),
            LatencyMs = Latency(histogram),
            StatusCounts = new SortedDictionary<string, long>(stats.StatusCounts, StringComparer.Ordinal),
            VersionMix = mix,
            VersionCounts = counts,
            AnswersWithoutChain = stats.WithoutChain,
            Chains = stats.Chains.Select(chain => Summarize(chain.Key, chain.Value)).OrderByDescending(chain => chain.Requests).ToList(),
            Timeline = stats.Timeline,
            Passed = requests > 0 && errorPercent <= settings.MaxErrorsPercent,
        };
    }

    private static ChainSummary Summarize(string chain, LatencyTrack track)
    {
        var latency = Latency(track.Snapshot());
        var (requests, errors) = (track.Requests, track.Errors);
        return new ChainSummary(chain, requests, errors,
            requests == 0 ? 0 : Math.Round((requests - errors) * 100.0 / requests, 2), latency.P50, latency.P99);
    }

    private static LatencySummary Latency(HistogramBase histogram)
    {
        if (histogram.TotalCount == 0) return new LatencySummary(0, 0, 0, 0, 0, 0);
        static double Ms(double microseconds) => Math.Round(microseconds / 1000.0, 3);
        return new LatencySummary(
            Ms(histogram.GetValueAtPercentile(50)), Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(99)), Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()), Ms(histogram.GetMean()));
    }

    /// <summary>"app 1.0: 90.1%  app 2.0: 9.9%" for one service.</summary>
    public string DescribeMix(string service) =>
        VersionMix.TryGetValue(service, out var versions)
            ? string.Join("  ", versions.Select(v => string.Create(CultureInfo.InvariantCulture, $"{service} {v.Key}: {v.Value * 100:0.0}%")))
            : "";

    public void Print(IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"[bold]{Markup.Escape(Mode)} {Markup.Escape(Url)}[/]")
            .AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        table.AddRow("model", Model == "open" ? $"open, {F(TargetRate ?? 0, "#,0.#")} req/s due, {Connections} connections" : $"closed, {Connections} connections");
        table.AddRow("duration", $"{F(DurationSeconds, "0.0")} s");
        table.AddRow("requests", $"{F(Requests, "#,0")} ({F(BrowseRequests, "#,0")} page, {F(VoteRequests, "#,0")} vote)");
        table.AddRow("[bold]requests/s[/]", $"[bold]{F(RequestsPerSecond, "#,0.0")}[/]");
        table.AddRow("latency p50", $"{F(LatencyMs.P50, "0.00")} ms");
        table.AddRow("latency p90", $"{F(LatencyMs.P90, "0.00")} ms");
        table.AddRow("[bold]latency p99[/]", $"[bold]{F(LatencyMs.P99, "0.00")} ms[/]");
        table.AddRow("latency p99.9", $"{F(LatencyMs.P999, "0.00")} ms");
        table.AddRow("latency max", $"{F(LatencyMs.Max, "0.00")} ms");
        var errorColour = Passed ? "green" : "red";
        table.AddRow("errors", $"[{errorColour}]{F(Errors, "#,0")} ({F(ErrorPercent, "0.00")}%, allowed {F(MaxErrorPercent, "0.##")}%)[/]");
        table.AddRow("status", Markup.Escape(string.Join("  ", StatusCounts.Select(s => $"{s.Key}: {s.Value:#,0}"))));
        foreach (var service in VersionMix.Keys)
        {
            table.AddRow("versions", Markup.Escape(DescribeMix(service)));
        }

        if (AnswersWithoutChain > 0 && VersionMix.Count > 0)
        {
            table.AddRow("versions", $"{F(AnswersWithoutChain, "#,0")} answers without {Stats.ChainHeader}");
        }

        console.Write(table);
        if (Chains.Count == 0) return;
        var chains = new Table().Border(TableBorder.Rounded).Title("[bold]per chain of versions[/]")
            .AddColumn(Stats.ChainHeader).AddColumn(new TableColumn("requests").RightAligned())
            .AddColumn(new TableColumn("success").RightAligned()).AddColumn(new TableColumn("p50").RightAligned())
            .AddColumn(new TableColumn("p99").RightAligned());
        foreach (var chain in Chains)
        {
            chains.AddRow(Markup.Escape(chain.Chain), F(chain.Requests, "#,0"), $"{F(chain.SuccessPercent, "0.00")}%",
                $"{F(chain.P50, "0.00")} ms", $"{F(chain.P99, "0.00")} ms");
        }

        console.Write(chains);
    }

    public async Task WriteJsonAsync(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, this, SummaryJsonContext.Default.RunSummary);
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RunSummary))]
public sealed partial class SummaryJsonContext : JsonSerializerContext;
