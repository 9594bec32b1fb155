using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// One client cannot take the service away from everyone: at most RATE_LIMIT_CONCURRENT_REQUESTS requests
/// in progress at once (all clients together), and at most RATE_LIMIT_CLIENT_REQUESTS requests per
/// RATE_LIMIT_CLIENT_WINDOW_SECONDS from one client (its address: <see cref="ForwardedClient"/>). Past either the answer is 429 with Retry-After, and the
/// refusals are logged once per window and client, not once per request. The probes and the scrape
/// (/health/*, /metrics) are never limited. The defaults are generous — the load generator and the
/// benchmark send thousands of requests per second over 16 connections from one address — so an operator
/// sets the budget that fits the site (docs/http.md, "Rate limits").
/// </summary>
public sealed class RateLimitSettings
{
    public const string ConcurrentKey = "RATE_LIMIT_CONCURRENT_REQUESTS";
    public const string ClientRequestsKey = "RATE_LIMIT_CLIENT_REQUESTS";
    public const string ClientWindowKey = "RATE_LIMIT_CLIENT_WINDOW_SECONDS";

    public int ConcurrentRequests { get; private init; } = 1024;
    public int ClientRequests { get; private init; } = 1_000_000;
    public int ClientWindowSeconds { get; private init; } = 10;

    public static RateLimitSettings Read(IConfiguration configuration, ICollection<string> problems) => new()
    {
        ConcurrentRequests = Read(configuration, ConcurrentKey, 1024, 1, 1_000_000, problems),
        ClientRequests = Read(configuration, ClientRequestsKey, 1_000_000, 1, 100_000_000, problems),
        ClientWindowSeconds = Read(configuration, ClientWindowKey, 10, 1, 3600, problems),
    };

    private static int Read(IConfiguration configuration, string key, int fallback, int min, int max, ICollection<string> problems)
    {
        var text = configuration[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problems.Add($"{key}='{text}' is not a whole number from {min} to {max}.");
        return fallback;
    }
}

public static partial class RateLimits
{
    internal static void AddRateLimits(this WebApplicationBuilder builder)
    {
        var problems = new List<string>();
        var settings = RateLimitSettings.Read(builder.Configuration, problems);
        builder.Services.ReportOnStart(problems);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(provider => new ThrottleLog(
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("VotingApp.RateLimit"),
            TimeSpan.FromSeconds(settings.ClientWindowSeconds)));

        var window = TimeSpan.FromSeconds(settings.ClientWindowSeconds);
        var partitions = new ClientPartitions(window);
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.GetConcurrencyLimiter(
                    AllClients, _ => new ConcurrencyLimiterOptions { PermitLimit = settings.ConcurrentRequests, QueueLimit = 0 })),
                // Keyed on the parsed address (ForwardedClient), at most ClientPartitions.MaxClients of them a window.
                PartitionedRateLimiter.Create<HttpContext, IPAddress>(context => RateLimitPartition.GetFixedWindowLimiter(
                    partitions.KeyOf(ForwardedClient.AddressOf(context)), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = settings.ClientRequests,
                        Window = window,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })));
            options.OnRejected = OnRejectedAsync;
        });
    }

    private const string AllClients = "all clients";

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var perClient = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
        var seconds = perClient ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        var client = ForwardedClient.AddressOf(context).ToString();
        context.RequestServices.GetRequiredService<ThrottleLog>().Refused(
            perClient ? client : AllClients,
            perClient ? "over its request budget" : "too many requests in progress at once");
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ErrorResponses.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests",
            perClient
                ? $"Too many requests from your address; try again in {seconds} s."
                : $"The service is busy; try again in {seconds} s.");
    }

    /// <summary>The probes and the scrape are never refused: a busy service is still alive and observable.</summary>
    public static TBuilder Unlimited<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.DisableRateLimiting();

    /// <summary>
    /// Logs the first refusal of each client in a window (a Warning), counts the rest, and reports the
    /// count with the next window's first refusal: a flood is one line per window, not one per request.
    /// </summary>
    internal sealed partial class ThrottleLog(ILogger logger, TimeSpan window)
    {
        /// <summary>A flood from ever new addresses must not grow this without bound.</summary>
        private const int MaxClients = 10_000;

        private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

        private sealed class Window
        {
            public long Started;
            public long Refused;
        }

        public void Refused(string client, string reason)
        {
            if (_windows.Count > MaxClients) _windows.Clear();
            var current = _windows.GetOrAdd(client, static _ => new Window { Started = long.MinValue });
            long earlier;
            lock (current)
            {
                var now = Stopwatch.GetTimestamp();
                if (current.Started != long.MinValue && Stopwatch.GetElapsedTime(current.Started, now) < window)
                {
                    current.Refused++;
                    return;
                }

                earlier = current.Refused;
                current.Started = now;
                current.Refused = 0;
            }

            LogThrottled(logger, client, reason, window.TotalSeconds, earlier);
        }

        [LoggerMessage(LogLevel.Warning,
            "Throttling {Client}: {Reason}; answering 429 with Retry-After. Logged once per {Window} s; {Earlier} further requests were refused after the previous line")]
        private static partial void LogThrottled(ILogger logger, string client, string reason, double window, long earlier);
    }
}
