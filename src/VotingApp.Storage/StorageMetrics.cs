using System.Diagnostics.Metrics;
using VotingApp.ServiceDefaults;

namespace VotingApp.Storage;

/// <summary>How many votes storage counted and how many it could not, by store.</summary>
public sealed class StorageMetrics
{
    private readonly Counter<long> _recorded;
    private readonly Counter<long> _failed;

    public StorageMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(TelemetryExtensions.MeterName);
        _recorded = meter.CreateCounter<long>("voting_votes_recorded", description: "Votes counted");
        _failed = meter.CreateCounter<long>("voting_votes_failed", description: "Votes not counted because the store was unavailable");
    }

    public void Recorded(string store, string option) =>
        _recorded.Add(1, new KeyValuePair<string, object?>("store", store), new KeyValuePair<string, object?>("option", option));

    public void Failed(string store) => _failed.Add(1, new KeyValuePair<string, object?>("store", store));
}
