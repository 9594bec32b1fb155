using Microsoft.AspNetCore.HeaderPropagation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// Readiness that means "the first real request will be answered fast": at start the service makes, in the
/// background, the calls its requests make (analytics: storage's counts; the app: analytics' results and
/// storage's store info), retrying until each has succeeded once. Until then /health/ready says which are
/// still waiting, so a new pod gets no traffic while its pooled connections, resilience pipelines and
/// upstreams are not there yet. After that the gate stays open: a later outage of an upstream is shown on
/// the page ("Results are unavailable") and must not take this service out of rotation as well.
/// </summary>
public static partial class Warmup
{
    public const string HealthCheckName = "warm-up";

    /// <summary>Adds one warm-up call; <paramref name="call"/> returns the failure while the upstream cannot answer.</summary>
    public static IServiceCollection AddWarmupCall(this IServiceCollection services, string upstream,
        Func<IServiceProvider, CancellationToken, Task<UpstreamFailure?>> call)
    {
        if (!services.Any(d => d.ServiceType == typeof(WarmupGate)))
        {
            services.AddSingleton<WarmupGate>();
            services.AddHostedService<WarmupRunner>();
            services.AddHealthChecks().Add(new HealthCheckRegistration(HealthCheckName,
                provider => provider.GetRequiredService<WarmupGate>(), failureStatus: null, tags: null));
        }

        services.AddSingleton(new WarmupCall(upstream, call));
        return services;
    }

    internal sealed record WarmupCall(string Upstream, Func<IServiceProvider, CancellationToken, Task<UpstreamFailure?>> Call);

    /// <summary>The readiness check: healthy once every warm-up call has succeeded once.</summary>
    internal sealed class WarmupGate(IEnumerable<WarmupCall> calls) : IHealthCheck
    {
        private readonly HashSet<string> _waiting = [.. calls.Select(call => call.Upstream)];

        public void Done(string upstream)
        {
            lock (_waiting) _waiting.Remove(upstream);
        }

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            lock (_waiting)
            {
                return Task.FromResult(_waiting.Count == 0
                    ? HealthCheckResult.Healthy("warmed up")
                    : HealthCheckResult.Unhealthy($"warming up: waiting for {string.Join(", ", _waiting.Order())} to answer"));
            }
        }
    }

    internal sealed partial class WarmupRunner(IEnumerable<WarmupCall> calls, WarmupGate gate, IServiceProvider services,
        ILogger<WarmupGate> logger) : BackgroundService
    {
        private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(20);
        private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

        protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
            Task.WhenAll(calls.Select(call => WarmAsync(call, stoppingToken)));

        private async Task WarmAsync(WarmupCall call, CancellationToken stoppingToken)
        {
            // Outside any request there is nothing to propagate, but the propagation handler insists on a set.
            if (services.GetService<HeaderPropagationValues>() is { } propagated)
            {
                propagated.Headers = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
            }

            var started = TimeProvider.System.GetTimestamp();
            var delay = FirstDelay;
            for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
            {
                try
                {
                    if (await call.Call(services, stoppingToken) is not { } failure)
                    {
                        gate.Done(call.Upstream);
                        LogWarmed(call.Upstream, attempt, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
                        return;
                    }

                    if (attempt == 1) LogWaiting(call.Upstream, failure.Message);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }

        [LoggerMessage(LogLevel.Information, "Warmed up: {Upstream} answered (attempt {Attempt}, {Elapsed:0} ms); ready")]
        private partial void LogWarmed(string upstream, int attempt, double elapsed);

        [LoggerMessage(LogLevel.Information, "Warming up: {Upstream} does not answer yet ({Reason}); not ready until it does")]
        private partial void LogWaiting(string upstream, string reason);
    }
}
