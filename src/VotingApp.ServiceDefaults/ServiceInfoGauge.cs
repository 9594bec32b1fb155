using System.Diagnostics.Metrics;

namespace VotingApp.ServiceDefaults;

/// <summary>voting_service_info{service,version} = 1, so that a dashboard can tell versions apart.</summary>
internal sealed class ServiceInfoGauge(IMeterFactory meters, ServiceIdentity identity) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        meters.Create(TelemetryExtensions.MeterName).CreateObservableGauge("voting_service_info", () => new Measurement<int>(1,
            new KeyValuePair<string, object?>("service", identity.Name),
            new KeyValuePair<string, object?>("version", identity.Version)),
            description: "Always 1; its labels say which service and version this process is.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
