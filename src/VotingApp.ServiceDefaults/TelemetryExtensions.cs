using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace VotingApp.ServiceDefaults;

public static class TelemetryExtensions
{
    /// <summary>The meter that the services' own instruments belong to.</summary>
    public const string MeterName = "VotingApp";

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
                .AddOtlpExporter());
        }
        else
        {
            // Spans that no exporter sends are not recorded; the trace context still flows.
            builder.Services.AddHostedService<TraceContextPropagation>();
        }
    }

    /// <summary>An OTLP endpoint is configured, for all signals or for traces (the exporter's own variables).</summary>
    public static bool ExportsTraces(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])
        || !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);

    /// <summary>Health probes and metric scrapes are not part of any user's request.</summary>
    public static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics") || path.StartsWithSegments("/version");
}
