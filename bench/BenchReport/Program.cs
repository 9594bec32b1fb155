// Reads one scripts/bench.sh run (a results folder), prints the figures beside their goals and writes
// docs/benchmarks.md with an SVG chart of the figures as ratios to the bare endpoint, with their goals (RatioChart).
// Usage: BenchReport <results folder> <markdown file> <svg file>
using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchReport;

if (args.Length != 3)
{
    Console.Error.WriteLine("Usage: BenchReport <results folder> <markdown file> <svg file>");
    return 2;
}

var (folder, markdownPath, chartPath) = (args[0], args[1], args[2]);
var inv = CultureInfo.InvariantCulture;
var meta = ReadPairs(Path.Combine(folder, "meta.txt"), '=');
var scenarios = File.ReadAllLines(Path.Combine(folder, "scenarios.tsv"))
    .Where(line => line.Length > 0)
    .Select(line => line.Split('\t'))
    .Select(parts => new Scenario(parts[0], parts[1], ReadRun(Path.Combine(folder, parts[0] + ".json"))))
    .ToList();
var rss = ReadRows(Path.Combine(folder, "rss.tsv")).Select(p => (Service: p[0], Mb: double.Parse(p[1], inv) / 1024)).ToList();
var wrk = ReadRows(Path.Combine(folder, "wrk.tsv"));

Run? Find(string id) => scenarios.FirstOrDefault(s => s.Id == id)?.Run;
var goals = new List<Goal>();

// The setup of issue 13: wrk -t2 -c16, no pinning, rows "id, req/s, p99 ms, label".
var setup = ReadRows(Path.Combine(folder, "wrk-setup.tsv"))
    .ToDictionary(p => p[0], p => (Rps: double.Parse(p[1], inv), P99: double.Parse(p[2], inv), Label: p[3]));

var setupGoals = new Dictionary<string, double>();

void SetupRatio(string name, string id, string baseId, double goal)
{
    setupGoals[id] = goal;
    if (setup.TryGetValue(id, out var run) && setup.TryGetValue(baseId, out var bare) && bare.Rps > 0)
    {
        var ratio = run.Rps / bare.Rps;
        goals.Add(new Goal(name, $"{ratio:0.000} ({run.Rps:#,0} / {bare.Rps:#,0} req/s)", $"≥ {goal:0.00}", ratio >= goal));
    }
}

SetupRatio("GET / through app 1.0 → analytics 1.1 → storage 1.0 (Redis), the first 20 s after start, ratio to bare", "chain-cold", "bare-get", 0.16);
SetupRatio("the same after a 45 s warm-up", "chain-warm", "bare-get", 0.18);
if (setup.TryGetValue("chain-warm", out var warm))
{
    goals.Add(new Goal("p99 of that chain at 16 connections, warm", $"{warm.P99:0.00} ms", "≤ 3 ms", warm.P99 <= 3));
}

SetupRatio("vote POST (app 1.0 → storage 1.0), warm, ratio to bare", "vote-warm", "bare-post", 0.28);
SetupRatio("analytics 1.1 alone (GET /analytics), warm, ratio to bare", "analytics-warm", "bare-get", 0.30);
SetupRatio("storage 1.0 alone (GET /api/votes), warm, ratio to bare", "storage-warm", "bare-get", 0.60);
if (File.Exists(Path.Combine(folder, "first-page-ms.txt")))
{
    var ms = double.Parse(File.ReadAllText(Path.Combine(folder, "first-page-ms.txt")).Trim(), inv);
    goals.Add(new Goal("first page with results after the three processes start", $"{ms:#,0} ms", "≤ 150 ms", ms <= 150));
}

foreach (var row in ReadRows(Path.Combine(folder, "rss-setup.tsv")))
{
    var mb = double.Parse(row[1], inv) / 1024;
    goals.Add(new Goal($"resident memory of {row[0]} after the load", $"{mb:0.0} MB", "≤ 50 MB", mb <= 50));
}

var images = ReadRows(Path.Combine(folder, "images.tsv"));
foreach (var row in images)
{
    var mb = double.Parse(row[1], inv) / 1_000_000;
    var baseMb = row.Length > 2 ? double.Parse(row[2], inv) / 1_000_000 : 0;
    var ownMb = mb - baseMb;
    // The real runtime-deps:10.0-noble-chiseled is a few MB (dotnet/dotnet-docker's
    // documentation/sample-image-size-report.md: 11.6 MB compressed for a whole Native AOT sample image);
    // the stand-in made by ../shared/containers is a Debian with a shell, over 100 MB. Judged on the whole
    // image when the base is that small, on the layers this project adds when it is not.
    var standIn = baseMb > 40;
    var shown = baseMb > 0 ? $"{mb:0.0} MB: {ownMb:0.0} MB of ours on {row[3]} ({baseMb:0.0} MB{(standIn ? ", a local stand-in: judged on our layers" : "")})" : $"{mb:0.0} MB";
    goals.Add(new Goal($"image {row[0]}", shown, "≤ 60 MB", (standIn ? ownMb : mb) <= 60));
}

if (images.Count == 0)
{
    goals.Add(new Goal("image sizes", "not measured (no images built: scripts/build-images.sh)", "≤ 60 MB", null));
}

// The local run's configuration (embedded SQLite store), 8 connections: figures without a goal.
foreach (var id in new[] { "local-pages", "local-votes" })
{
    if (setup.TryGetValue(id, out var local))
    {
        goals.Add(new Goal(local.Label, $"{local.Rps:#,0} req/s, p99 {local.P99:0.00} ms", "", null));
    }
}

void Ratio(string name, string id, string baseId, double goal)
{
    if (Find(id) is { } run && Find(baseId) is { RequestsPerSecond: > 0 } bare)
    {
        var ratio = run.RequestsPerSecond / bare.RequestsPerSecond;
        goals.Add(new Goal(name, $"{ratio:0.000} ({run.RequestsPerSecond:#,0} / {bare.RequestsPerSecond:#,0} req/s)", $"≥ {goal:0.00}", ratio >= goal));
    }
}

void P99(string name, string id, double goalMs)
{
    if (Find(id) is { } run)
    {
        goals.Add(new Goal(name, $"{run.LatencyMs.P99:0.00} ms", $"≤ {goalMs:0} ms", run.LatencyMs.P99 <= goalMs));
    }
}

var firstEarlier = goals.Count;
Ratio("GET / through app 1.0 → analytics 1.1 → storage 1.0 (Redis), ratio to bare", "get-chain1", "get-bare", 0.18);
P99("GET / through the 1.0/1.1 chain, p99 (saturated, closed loop)", "get-chain1", 5);
P99("GET / through the 1.0/1.1 chain, p99 at half that throughput (open model)", "get-chain1-half", 5);
Ratio("GET / through app 2.0 → analytics 2.0 → storage 2.0 (MariaDB), ratio to bare", "get-chain2", "get-bare", 0.18);
P99("GET / through the 2.0 chain, p99 (saturated, closed loop)", "get-chain2", 5);
Ratio("vote POST app 1.0 → storage 1.0 (Redis), ratio to bare", "vote-chain1", "post-bare", 0.28);
Ratio("vote POST app 2.0 → storage 2.0 (MariaDB), ratio to bare", "vote-chain2", "post-bare", 0.28);
if (Find("analytics2-1k") is { RequestsPerSecond: > 0 } small && Find("analytics2-100k") is { RequestsPerSecond: > 0 } large)
{
    var slowdown = small.RequestsPerSecond / large.RequestsPerSecond;
    goals.Add(new Goal("analytics 2.0 (MariaDB) slow-down from 1 k to 100 k votes",
        $"{slowdown:0.000} ({small.RequestsPerSecond:#,0} → {large.RequestsPerSecond:#,0} req/s; p99 {small.LatencyMs.P99:0.00} → {large.LatencyMs.P99:0.00} ms)",
        "≤ 1.20", slowdown <= 1.2));
}

foreach (var (service, mb) in rss)
{
    goals.Add(new Goal($"resident memory of {service} after the load", $"{mb:0.0} MB", "≤ 50 MB", mb <= 50));
}

// The console table.
var console = new StringBuilder();
var nameWidth = Math.Max(20, goals.Select(g => g.Name.Length).DefaultIfEmpty(0).Max());
var valueWidth = Math.Max(10, goals.Select(g => g.Value.Length).DefaultIfEmpty(0).Max());
console.AppendLine();
console.AppendLine($"{"figure".PadRight(nameWidth)}  {"measured".PadRight(valueWidth)}  {"goal",-9}  result");
foreach (var goal in goals)
{
    console.AppendLine($"{goal.Name.PadRight(nameWidth)}  {goal.Value.PadRight(valueWidth)}  {goal.Target,-9}  {goal.Met switch { true => "met", false => "MISSED", null => "" }}");
}

console.AppendLine();
console.AppendLine($"{"scenario",-44} {"req/s",10} {"p50 ms",8} {"p90 ms",8} {"p99 ms",8} {"max ms",8} {"errors",8}");
foreach (var s in scenarios)
{
    var r = s.Run;
    console.AppendLine(string.Create(inv,
        $"{s.Label,-44} {r.RequestsPerSecond,10:#,0} {r.LatencyMs.P50,8:0.00} {r.LatencyMs.P90,8:0.00} {r.LatencyMs.P99,8:0.00} {r.LatencyMs.Max,8:0.00} {r.Errors,8:#,0}"));
}

Console.Write(console.ToString());

// The chart: every figure of the setup as a ratio to the bare endpoint answering the same method, with its goal.
var bars = setup.Where(row => !row.Key.StartsWith("bare-", StringComparison.Ordinal))
    .Select(row => (row, Reference: row.Key.Contains("vote", StringComparison.Ordinal) || row.Key.Contains("post", StringComparison.Ordinal) ? "bare-post" : "bare-get"))
    .Where(figure => setup.TryGetValue(figure.Reference, out var bare) && bare.Rps > 0)
    .Select(figure => new RatioBar(figure.row.Value.Label, figure.row.Value.Rps, setup[figure.Reference].Label, setup[figure.Reference].Rps,
        setupGoals.TryGetValue(figure.row.Key, out var goal) ? goal : null))
    .ToList();
File.WriteAllText(chartPath, RatioChart.Svg(
    $"VotingApp benchmark {meta.GetValueOrDefault("date", "")}: wrk -t2 -c{meta.GetValueOrDefault("connections", "16").Split(' ')[0]}, ratio to bare", bars));

// The markdown page.
var md = new StringBuilder();
md.AppendLine("# Benchmarks");
md.AppendLine();
md.AppendLine("Written by `scripts/bench.sh` (rerun it to refresh this page; it needs redis-server, mariadb-server, wrk, curl, perl and the .NET SDK).");
md.AppendLine("The services run as published Release builds (`dotnet publish -c Release`) with their defaults: logging, tracing,");
md.AppendLine("metrics and resilience on. Ratios compare against references measured in the same run, Native AOT like the services:");
md.AppendLine("a bare Kestrel endpoint (`bench/BareHello`) and the floor (`bench/FloorChain`): app → analytics → storage → Redis with");
md.AppendLine("nothing but Kestrel minimal APIs, one static `HttpClient` per hop and StackExchange.Redis, what three hops cost here.");
md.AppendLine("Issue 24's table (from `bench/floor-goals.sh`) takes each ratio within one of several interleaved rounds of bare, floor");
md.AppendLine("and chain (median, range in brackets). The next table is the setup of issue 13: `wrk -t2 -c16` on the same cores");
md.AppendLine("as every server, nothing pinned; the cold figure is the chain's throughput in the first 20 s after its three");
md.AppendLine("processes started (against the warm bare endpoint), the warm figures follow a 45 s warm-up. The local run is the");
md.AppendLine("README's run command's configuration (app 1.0 → analytics 1.1 → storage 1.0 on the embedded SQLite file) at 8");
md.AppendLine("connections. The last goal table is the earlier setup: `src/VotingApp.LoadGenerator`, servers pinned to half the");
md.AppendLine("CPUs and the load generator to the other half.");
md.AppendLine();
md.AppendLine("| | |");
md.AppendLine("| --- | --- |");
foreach (var key in new[] { "date", "machine", "cpu", "memory", "dotnet", "build", "setup", "pinning", "connections", "duration", "warmup", "load_before", "load_after", "duration_total", "note" })
{
    if (meta.TryGetValue(key, out var value) && value.Length > 0) md.AppendLine($"| {key.Replace('_', ' ')} | {value.Replace("|", "\\|")} |");
}

void GoalTable(string heading, IEnumerable<Goal> rows)
{
    md.AppendLine();
    md.AppendLine(heading);
    md.AppendLine();
    md.AppendLine("| figure | measured | goal | |");
    md.AppendLine("| --- | --- | --- | --- |");
    foreach (var goal in rows)
    {
        md.AppendLine($"| {goal.Name} | {goal.Value} | {goal.Target} | {goal.Met switch { true => "met", false => "**missed**", null => "" }} |");
    }
}

// Issue 24's goals, as bench/floor-goals.sh judged them (figure, measured, to bare, to floor, goal, result).
var floorGoals = ReadRows(Path.Combine(folder, "floor-goals.tsv"));
if (floorGoals.Count > 0)
{
    md.AppendLine();
    md.AppendLine("## Goals of issue 24 (wrk -t2 -c16, no pinning; ratios to bare and to the floor)");
    md.AppendLine();
    md.AppendLine("| figure | measured | to bare | to floor | goal | |");
    md.AppendLine("| --- | --- | --- | --- | --- | --- |");
    foreach (var row in floorGoals)
    {
        var cells = row.Concat(Enumerable.Repeat("", 6)).Take(6).Select(cell => cell.Replace("|", "\\|")).ToArray();
        cells[5] = cells[5] == "missed" ? "**missed**" : cells[5];
        md.AppendLine($"| {string.Join(" | ", cells)} |");
    }
}

GoalTable("## Goals (issue 13: wrk -t2 -c16, no pinning)", goals.Take(firstEarlier));
md.AppendLine();
md.AppendLine($"![Each figure as a ratio to the bare endpoint, with its goal]({Path.GetFileName(chartPath)})");
if (setup.Count > 0)
{
    md.AppendLine();
    md.AppendLine("| wrk measurement | req/s | p99 ms |");
    md.AppendLine("| --- | ---: | ---: |");
    foreach (var (_, row) in setup)
    {
        md.AppendLine(string.Create(inv, $"| {row.Label} | {row.Rps:#,0} | {row.P99:0.00} |"));
    }
}

GoalTable("## Goals of the earlier setup (load generator, pinned)", goals.Skip(firstEarlier));

md.AppendLine();
md.AppendLine("## Scenarios");
md.AppendLine();
md.AppendLine("| scenario | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | versions |");
md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
foreach (var s in scenarios)
{
    var r = s.Run;
    var versions = string.Join(" ", r.VersionCounts.SelectMany(service => service.Value.Keys.Select(version => $"{service.Key}/{version}")));
    md.AppendLine(string.Create(inv,
        $"| {s.Label} | {r.RequestsPerSecond:#,0} | {r.LatencyMs.P50:0.00} | {r.LatencyMs.P90:0.00} | {r.LatencyMs.P99:0.00} | {r.LatencyMs.Max:0.00} | {r.Errors:#,0} | {versions} |"));
}

if (wrk.Count > 0)
{
    md.AppendLine();
    md.AppendLine("## Cross-check with wrk");
    md.AppendLine();
    md.AppendLine("The same endpoints measured by `wrk` (2 threads, same connections), which spends less CPU per request than the .NET load generator:");
    md.AppendLine();
    md.AppendLine("| scenario | req/s | p99 ms |");
    md.AppendLine("| --- | ---: | ---: |");
    foreach (var row in wrk)
    {
        md.AppendLine($"| {row[0]} | {row[1]} | {row[2]} |");
    }
}

if (File.Exists(Path.Combine(folder, "notes.md")))
{
    md.AppendLine();
    md.Append(File.ReadAllText(Path.Combine(folder, "notes.md")));
}

File.WriteAllText(markdownPath, md.ToString());
Console.WriteLine();
Console.WriteLine($"Wrote {markdownPath} and {chartPath}");
return goals.All(g => g.Met != false) ? 0 : 1;

static List<string[]> ReadRows(string path) =>
    File.Exists(path) ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.Split('\t')).ToList() : [];

static Dictionary<string, string> ReadPairs(string path, char separator) =>
    File.Exists(path)
        ? File.ReadAllLines(path).Where(l => l.Contains(separator)).ToDictionary(l => l[..l.IndexOf(separator)], l => l[(l.IndexOf(separator) + 1)..])
        : [];

static Run ReadRun(string path) =>
    JsonSerializer.Deserialize<Run>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
    ?? throw new InvalidDataException($"{path} is empty");

internal sealed record Scenario(string Id, string Label, Run Run);

/// <param name="Met">Null for a figure shown without a goal, or one that was not measured.</param>
internal sealed record Goal(string Name, string Value, string Target, bool? Met);

internal sealed record Latency(double P50, double P90, double P99, double Max);

internal sealed record Run(double RequestsPerSecond, long Requests, long Errors, Latency LatencyMs,
    Dictionary<string, Dictionary<string, long>> VersionCounts);
