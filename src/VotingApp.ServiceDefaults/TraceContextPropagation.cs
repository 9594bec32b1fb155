using System.Diagnostics;

namespace VotingApp.ServiceDefaults;

/// <summary>Without an exporter .NET makes no activities, so no trace context flows; this listener asks for them.</summary>
internal sealed class TraceContextPropagation : IHostedService, IDisposable
{
    private static readonly HashSet<string> Sources = ["Microsoft.AspNetCore", "System.Net.Http"];

    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => Sources.Contains(source.Name),
        Sample = Decide,
    };

    public TraceContextPropagation() => ActivitySource.AddActivityListener(_listener);

    /// <summary>ParentBased(AlwaysOn); AllDataAndRecorded since .NET 10 never records PropagationData (learn.microsoft.com/dotnet/core/compatibility/core-libraries/10.0/activity-sampling).</summary>
    private static ActivitySamplingResult Decide(ref ActivityCreationOptions<ActivityContext> options) =>
        options.Parent == default || options.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)
            ? ActivitySamplingResult.AllDataAndRecorded
            : ActivitySamplingResult.PropagationData;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
