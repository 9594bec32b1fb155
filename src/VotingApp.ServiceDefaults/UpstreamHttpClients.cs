using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Telemetry;

namespace VotingApp.ServiceDefaults;

/// <summary>Pooled, time-bounded clients to another service; read or write is the one decision about retries (docs/http.md, "Retries").</summary>
public static class UpstreamHttpClients
{
    /// <summary>No call to another service, retries included, may take longer than this.</summary>
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(2);

    /// <summary>One try of a read.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(800);

    private static IHttpClientBuilder AddUpstreamClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(
        this IServiceCollection services, Func<IServiceProvider, Uri> baseAddress)
        where TClient : class
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<TelemetryOptions>, QuietTries>());
        return services.AddHttpClient<TClient>((provider, http) => http.BaseAddress = baseAddress(provider))
            // No redirects to follow and no cookie jar, which would be one for every visitor: fewer handlers per call.
            .UseSocketsHttpHandler((handler, _) =>
            {
                handler.AllowAutoRedirect = false;
                handler.UseCookies = false;
            })
            // UpstreamCall logs what failed; the factory's per-call lines are below System.Net.Http's level, yet their scopes cost every call.
            .RemoveAllLoggers()
            .AddHeaderPropagation();
    }

    /// <summary>A try and its retry are Debug: Polly logs each refused call while pods start in any order with a stack trace, and the caller logs what failed.</summary>
    private sealed class QuietTries : IConfigureOptions<TelemetryOptions>
    {
        public void Configure(TelemetryOptions options) =>
            options.SeverityProvider = args => args.Event.EventName is "ExecutionAttempt" or "OnRetry" ? ResilienceEventSeverity.Debug : args.Event.Severity;
    }

    /// <summary>Reads are safe to repeat: one retry, each try and all together bounded, a breaker so a dead upstream is not hammered.</summary>
    public static IHttpClientBuilder AddReadClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(
        this IServiceCollection services, Func<IServiceProvider, Uri> baseAddress)
        where TClient : class
    {
        var client = services.AddUpstreamClient<TClient>(baseAddress);
        client.AddResilienceHandler("read", pipeline =>
            {
                pipeline.AddTimeout(TotalTimeout);
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 1,
                    Delay = TimeSpan.FromMilliseconds(50),
                    BackoffType = DelayBackoffType.Constant,
                });
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    SamplingDuration = TimeSpan.FromSeconds(10),
                    // Reached by shared reads too (SharedReads: one try in flight per key, ≤ 12 hung ones in 10 s).
                    MinimumThroughput = 8,
                    FailureRatio = 0.9,
                    BreakDuration = TimeSpan.FromSeconds(1),
                    // A refused connection never reached the upstream (not listening yet, as while the chain starts): nothing to protect.
                    ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome)
                        && !UpstreamCall.IsRefused(args.Outcome.Exception)),
                });
                pipeline.AddTimeout(AttemptTimeout);
            });
        return client;
    }

    /// <summary>Writes get one bounded try; the mesh's and the voter's retries count once by the vote's Idempotency-Key.</summary>
    public static IHttpClientBuilder AddWriteClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(
        this IServiceCollection services, Func<IServiceProvider, Uri> baseAddress)
        where TClient : class
    {
        var client = services.AddUpstreamClient<TClient>(baseAddress);
        client.AddResilienceHandler("write", pipeline => pipeline.AddTimeout(TotalTimeout));
        return client;
    }
}
