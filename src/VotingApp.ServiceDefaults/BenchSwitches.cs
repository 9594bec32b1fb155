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
    /// <summary>The components that can be switched off, as named in VOTING_BENCH_OFF (comma separated).</summary>
    public static readonly IReadOnlyList<string> Components =
        ["logging", "tracing", "metrics", "propagation", "resilience", "chain", "page",
         "client-logging", "track", "errors", "security-headers", "request-id", "request-limits", "head", "rate-limits", "faults"];

#if VOTING_BENCH_SWITCHES
    private static readonly HashSet<string> Off =
        [.. (Environment.GetEnvironmentVariable("VOTING_BENCH_OFF") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    public static bool IsOff(string component) => Off.Contains(component) || Off.Contains("all");
#else
#pragma warning disable IDE0060 // read only in the bench build above
    public static bool IsOff(string component) => false;
#pragma warning restore IDE0060
#endif
}
