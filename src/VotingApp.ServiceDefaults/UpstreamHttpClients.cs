using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// Pooled HttpClients (IHttpClientFactory) for calls to another voting service, with the tracing headers
/// forwarded and the time a call may take bounded, so that a page never hangs. Which of the two a typed
/// client gets is the one decision about retrying its calls (docs/http.md, "Retries").
/// </summary>
public static class UpstreamHttpClients
{
    /// <summary>No call to another service, retries included, may take longer than this.</summary>
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(2);

    /// <summary>One try of a read.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMilliseconds(800);

    private static IHttpClientBuilder AddUpstreamClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(
        this IServiceCollection services, Func<IServiceProvider, Uri> baseAddress)
        where TClient : class =>
        services.AddHttpClient<TClient>((provider, http) => http.BaseAddress = baseAddress(provider)).AddHeaderPropagation();

    /// <summary>
    /// For reads, which are safe to repeat: one retry after a short pause, each try bounded, all bounded
    /// together, and a circuit breaker so that a dead upstream is not hammered.
    /// </summary>
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
                });
                pipeline.AddTimeout(AttemptTimeout);
            });
        return client;
    }

    /// <summary>
    /// For a client that writes (votes, resets): every call one try, bounded in time, never retried here.
    /// Retries are the mesh's (its sidecar's default policy) and the voter's ("send my vote again"); every
    /// vote carries an Idempotency-Key so that those count once.
    /// </summary>
    public static IHttpClientBuilder AddWriteClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(
        this IServiceCollection services, Func<IServiceProvider, Uri> baseAddress)
        where TClient : class
    {
        var client = services.AddUpstreamClient<TClient>(baseAddress);
        client.AddResilienceHandler("write", pipeline => pipeline.AddTimeout(TotalTimeout));
        return client;
    }
}
