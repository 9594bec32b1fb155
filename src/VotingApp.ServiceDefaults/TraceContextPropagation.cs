using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// The W3C trace context (traceparent, tracestate) without recording spans, for a service that exports
/// no traces. .NET creates the activities of ASP.NET Core (the incoming request) and HttpClient (each
/// call) only for a listener that asks for them; this one asks for exactly those two, with the decision
/// OpenTelemetry's default sampler makes (a sampled or absent parent: sampled; an unsampled one: not), so
/// a call carries the caller's trace id, this hop as its parent and the caller's sampling decision.
/// Nothing else listens, so no tags are enriched, no span is processed and nothing is exported.
/// Istio's own headers (x-request-id, x-b3-*) are copied separately (<see cref="TracingHeaders"/>).
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
    /// Parent-based, like OpenTelemetry's default ParentBased(AlwaysOn). Since .NET 10 a PropagationData
    /// activity is never marked recorded, even under a recorded parent (see
    /// https://learn.microsoft.com/dotnet/core/compatibility/core-libraries/10.0/activity-sampling), so a
    /// sampled trace needs AllDataAndRecorded to stay sampled downstream.
    /// </summary>
    private static ActivitySamplingResult Decide(ref ActivityCreationOptions<ActivityContext> options) =>
        options.Parent == default || options.Parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)
            ? ActivitySamplingResult.AllDataAndRecorded
            : ActivitySamplingResult.PropagationData;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _listener.Dispose();
}
