using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// The W3C trace context without recording spans, for a service that exports none: .NET creates the request's
/// and each call's activity only for a listener that asks, so this one asks with OpenTelemetry's default sampling.
/// </summary>
internal sealed class TraceContextPropagation : IHostedService, IDisposable
{
    private static readonly HashSet<string> Sources = ["Microsoft.AspNetCore", "System.Net.Http"];

    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => Sources.Contains(source.Name),
        Sample = Decide,
    };

    public TraceContextPropagation() => ActivitySource.AddActivityListener(_listener);

    /// <summary>
    /// ParentBased(AlwaysOn); AllDataAndRecorded because since .NET 10 a PropagationData activity is never recorded
    /// (https://learn.microsoft.com/dotnet/core/compatibility/core-libraries/10.0/activity-sampling).
    /// </summary>
    private static ActivitySamplingResult Decide(ref ActivityCreationOptions<ActivityContext> options) =>
        options.Parent == default || options.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)
            ? ActivitySamplingResult.AllDataAndRecorded
            : ActivitySamplingResult.PropagationData;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
