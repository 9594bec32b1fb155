using System.Globalization;

namespace VotingApp.ServiceDefaults;

/// <summary>A release that misbehaves on purpose, so a rollback can be shown with a real image (docs/flagger-walkthrough.md).</summary>
public sealed class FaultSettings
{
    [ConfigurationKeyName("FAULT_ABORT_PERCENT")]
    public double AbortPercent { get; set; }

    [ConfigurationKeyName("FAULT_ABORT_STATUS")]
    public int AbortStatus { get; set; } = 500;

    [ConfigurationKeyName("FAULT_DELAY_MS")]
    public int DelayMilliseconds { get; set; }

    [ConfigurationKeyName("FAULT_DELAY_PERCENT")]
    public double DelayPercent { get; set; } = 100;

    public const int MaxDelayMilliseconds = 60_000;

    public bool Aborts => AbortPercent > 0;
    public bool Delays => DelayMilliseconds > 0 && DelayPercent > 0;
    public bool Enabled => Aborts || Delays;

    public IEnumerable<string> Problems()
    {
        // Written as !(in range) so that NaN, which compares false with everything, is refused too.
        if (!(AbortPercent is >= 0 and <= 100))
            yield return $"FAULT_ABORT_PERCENT='{Text(AbortPercent)}' is not a percentage: use a number from 0 to 100.";
        if (AbortStatus is < 500 or > 599)
            yield return $"FAULT_ABORT_STATUS='{AbortStatus}' is not a server error: use a status from 500 to 599.";
        if (DelayMilliseconds is < 0 or > MaxDelayMilliseconds)
            yield return $"FAULT_DELAY_MS='{DelayMilliseconds}' is out of range: use 0 to {MaxDelayMilliseconds} milliseconds.";
        if (!(DelayPercent is >= 0 and <= 100))
            yield return $"FAULT_DELAY_PERCENT='{Text(DelayPercent)}' is not a percentage: use a number from 0 to 100.";
    }

    /// <summary>What /version shows: null when no fault is on (the field is then left out).</summary>
    public FaultSummary? Summary() => Enabled
        ? new FaultSummary(AbortPercent, Aborts ? AbortStatus : null, Delays ? DelayMilliseconds : 0, Delays ? DelayPercent : 0)
        : null;

    /// <summary>"20% of requests answered 500, 100% delayed 300 ms" (the start-up warning).</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Aborts) parts.Add($"{Text(AbortPercent)}% of requests answered {AbortStatus}");
        if (Delays) parts.Add($"{Text(DelayPercent)}% delayed {DelayMilliseconds} ms");
        return parts.Count == 0 ? "off" : string.Join(", ", parts);
    }

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The faults a service injects, as GET /version shows them.</summary>
public sealed record FaultSummary(double AbortPercent, int? AbortStatus, int DelayMilliseconds, double DelayPercent);
