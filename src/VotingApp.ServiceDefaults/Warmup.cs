using System.Text;
using Microsoft.AspNetCore.HeaderPropagation;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Primitives;

namespace VotingApp.ServiceDefaults;

/// <summary>Readiness: start-up steps retried until each succeeds once, then open for good (a later upstream outage shows on the page, not in rotation).</summary>
public static partial class Warmup
{
    public const string HealthCheckName = "warm-up";

    /// <summary>Adds one step; <paramref name="attempt"/> returns why it is not ready yet, or null once it is.</summary>
    public static IServiceCollection AddWarmupStep(this IServiceCollection services, string name,
        Func<IServiceProvider, CancellationToken, Task<string?>> attempt)
    {
        if (!services.Any(d => d.ServiceType == typeof(WarmupGate)))
        {
            services.AddSingleton<WarmupGate>();
            services.AddHostedService(provider => provider.GetRequiredService<WarmupGate>());
            services.AddHealthChecks().Add(new HealthCheckRegistration(HealthCheckName,
                provider => provider.GetRequiredService<WarmupGate>(), failureStatus: null, tags: null));
        }

        services.AddSingleton(new WarmupStep(name, attempt));
        return services;
    }

    /// <summary>A first call to an upstream as a step: ready once it answered.</summary>
    public static IServiceCollection AddWarmupCall(this IServiceCollection services, string upstream,
        Func<IServiceProvider, CancellationToken, Task<UpstreamFailure?>> call) =>
        services.AddWarmupStep(upstream, async (provider, cancellationToken) => (await call(provider, cancellationToken))?.Message);

    /// <summary>/health/ready's body: the status and a line per failing check, so that a failed probe's event says why.</summary>
    public static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder(report.Status.ToString());
        foreach (var (name, entry) in report.Entries.Where(entry => entry.Value.Status != HealthStatus.Healthy).OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append(": ").Append(entry.Description ?? entry.Exception?.Message ?? entry.Status.ToString());
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString());
    }

    internal sealed record WarmupStep(string Name, Func<IServiceProvider, CancellationToken, Task<string?>> Attempt);

    /// <summary>Runs the steps, and is healthy once each has succeeded once; not a BackgroundService, so each first try is under way before any request.</summary>
    internal sealed partial class WarmupGate(IEnumerable<WarmupStep> steps, IServiceProvider services, ILogger<WarmupGate> logger)
        : IHostedService, IHealthCheck
    {
        private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(20);
        private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

        // Not disposed: the host may stop a service after disposing it, and a CTS without a timer holds nothing.
        private readonly CancellationTokenSource _stopping = new();
        private readonly HashSet<string> _waiting = [.. steps.Select(step => step.Name)];
        private Task _running = Task.CompletedTask;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            lock (_waiting)
            {
                return Task.FromResult(_waiting.Count == 0
                    ? HealthCheckResult.Healthy("warmed up")
                    : HealthCheckResult.Unhealthy($"warming up: waiting for {string.Join(", ", _waiting.Order())}"));
            }
        }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _running = Task.WhenAll(steps.Select(step => RunAsync(step, _stopping.Token)));
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            await _stopping.CancelAsync();
            await _running.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        private async Task RunAsync(WarmupStep step, CancellationToken stoppingToken)
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
                    if (await step.Attempt(services, stoppingToken) is not { } reason)
                    {
                        lock (_waiting) _waiting.Remove(step.Name);
                        LogReady(step.Name, attempt, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
                        return;
                    }

                    LogNotYet(step.Name, attempt, reason);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }

                await Task.Delay(delay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
            }
        }

        [LoggerMessage(LogLevel.Information, "Warmed up: {Step} is ready (attempt {Attempt}, {Elapsed:0} ms)")]
        private partial void LogReady(string step, int attempt, double elapsed);

        [LoggerMessage(LogLevel.Warning, "{Step} not ready yet (attempt {Attempt}), retrying: {Reason}")]
        private partial void LogNotYet(string step, int attempt, string reason);
    }
}
