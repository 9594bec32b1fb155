using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace VotingApp.ServiceDefaults;

public static class TelemetryExtensions
{
    /// <summary>The meter that the services' own instruments belong to.</summary>
    public const string MeterName = "VotingApp";

    /// <summary>The services' own spans (exported only with the rest, when an OTLP endpoint is set).</summary>
    public static readonly ActivitySource Spans = new(MeterName);

    /// <summary>Label combinations per metric (more go to otel_metric_overflow): OpenTelemetry reserves room for all up front.</summary>
    public const int SeriesPerMetric = 200;

    /// <summary>Metrics for Prometheus at /metrics; traces over OTLP when an endpoint is set, else only the trace context flows.</summary>
    internal static void AddVotingTelemetry(this WebApplicationBuilder builder, ServiceIdentity identity)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(identity.Name, serviceVersion: identity.Version))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(MeterName)
                    .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = SeriesPerMetric })
                    .AddPrometheusExporter();
            });
        builder.Services.AddHostedService<ServiceInfoGauge>();

        if (ExportsTraces(builder.Configuration))
        {
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsInfrastructurePath(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddSource(MeterName)
                .AddOtlpExporter());
        }
        else
        {
            // Spans that no exporter sends are not recorded; the trace context still flows.
            builder.Services.AddHostedService<TraceContextPropagation>();
        }
    }

    /// <summary>An OTLP endpoint is configured, for all signals or for traces (the exporter's own variables).</summary>
    private static bool ExportsTraces(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);

    /// <summary>Health probes and metric scrapes are not part of any user's request.</summary>
    internal static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/version");

    /// <summary>voting_service_info{service,version} = 1, so that a dashboard can tell versions apart.</summary>
    private sealed class ServiceInfoGauge(IMeterFactory meters, ServiceIdentity identity) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            meters.Create(MeterName).CreateObservableGauge("voting_service_info", () => new Measurement<int>(1,
                new KeyValuePair<string, object?>("service", identity.Name),
                new KeyValuePair<string, object?>("version", identity.Version)),
                description: "Always 1; its labels say which service and version this process is.");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Without an exporter .NET makes no activities, so no trace context flows; this listener asks for them.</summary>
    private sealed class TraceContextPropagation : IHostedService, IDisposable
    {
        private static readonly HashSet<string> Sources = ["Microsoft.AspNetCore", "System.Net.Http"];

        private readonly ActivityListener _listener = new()
        {
            ShouldListenTo = source => Sources.Contains(source.Name),
            Sample = Decide,
            // Nothing exports these spans: their tags, and the exception event a failed call gets (an Exception.ToString,
            // whose first stack trace costs a start-up ~10 ms of CPU), would be work for nobody (bench/notes.md).
            ActivityStarted = static activity => activity.IsAllDataRequested = false,
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
}
