namespace VotingApp.ServiceDefaults;

/// <summary>
/// Switches one component of the request path off, for bench/component-cost.sh only: it measures each
/// component's CPU cost per request by turning it off alone. They exist only in a build made with
/// <c>-p:VotingBenchSwitches=true</c>; in every other build (the images, the tests, a local run)
/// <see cref="IsOff"/> is the constant false and VOTING_BENCH_OFF is not read, so no setting can remove
/// logging, telemetry or resilience from a service that users run.
/// </summary>
public static class BenchSwitches
{
#if VOTING_BENCH_SWITCHES
    /// <summary>
    /// The components that can be switched off, as named in VOTING_BENCH_OFF (comma separated), besides
    /// "all" and "none" (nothing off). A name not here stops the service: a misspelt variant of
    /// bench/component-cost.sh must not be measured as if it were "none".
    /// </summary>
    private static readonly string[] Components =
        ["logging", "tracing", "metrics", "propagation", "resilience", "chain", "page",
         "client-logging", "track", "errors", "security-headers", "request-id", "request-limits", "head", "rate-limits", "faults"];

    private static readonly HashSet<string> Off = Read();

    private static HashSet<string> Read()
    {
        HashSet<string> off = [.. (Environment.GetEnvironmentVariable("VOTING_BENCH_OFF") ?? "")
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
        var unknown = off.Except(Components).Except(["all", "none"]).ToList();
        return unknown.Count == 0
            ? off
            : throw new InvalidOperationException(
                $"VOTING_BENCH_OFF names no component: {string.Join(", ", unknown)}. Known: all, none, {string.Join(", ", Components)}.");
    }

    public static bool IsOff(string component) => Off.Contains(component) || Off.Contains("all");
#else
#pragma warning disable IDE0060 // read only in the bench build above
    public static bool IsOff(string component) => false;
#pragma warning restore IDE0060
#endif
}
