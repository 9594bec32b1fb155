using System.Diagnostics.Metrics;
using VotingApp.ServiceDefaults;

namespace VotingApp.Analytics;

/// <summary>
/// voting_results_served_total{text="counts"|"shares"}: results lines served, by the kind of line this
/// version writes (<see cref="ResultsWriter.Label"/>), so a dashboard shows which text users are getting
/// while versions run side by side (docs/flagger-walkthrough.md lists the metric names).
/// </summary>
public sealed class AnalyticsMetrics
{
    private readonly Counter<long> _served;

    public AnalyticsMetrics(IMeterFactory meterFactory) =>
        _served = meterFactory.Create(TelemetryExtensions.MeterName)
            .CreateCounter<long>("voting_results_served", description: "Results lines served, by the kind of text");

    public void Served(string text) => _served.Add(1, new KeyValuePair<string, object?>("text", text));
}
