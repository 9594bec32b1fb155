using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;

namespace VotingApp.ServiceDefaults;

/// <summary>One client cannot take the service from everyone (docs/http.md, "Rate limits"); generous defaults for the load generator.</summary>
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
    private const string AllClients = "all clients";

    internal static void AddRateLimits(this WebApplicationBuilder builder)
    {
        var problems = new List<string>();
        var settings = RateLimitSettings.Read(builder.Configuration, problems);
        builder.Services.ReportOnStart(problems);
        var window = TimeSpan.FromSeconds(settings.ClientWindowSeconds);
        builder.Services.AddSingleton(provider => new ThrottleLog(
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("VotingApp.RateLimit"), window));

        var partitions = new ClientPartitions(window);
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.GetConcurrencyLimiter(
                    AllClients, _ => new ConcurrencyLimiterOptions { PermitLimit = settings.ConcurrentRequests, QueueLimit = 0 })),
                PartitionedRateLimiter.Create<HttpContext, IPAddress>(context => RateLimitPartition.GetFixedWindowLimiter(
                    partitions.KeyOf(ForwardedClient.AddressOf(context)), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = settings.ClientRequests,
                        Window = window,
                        QueueLimit = 0,
                    })));
            options.OnRejected = (rejected, _) => OnRejectedAsync(rejected.HttpContext, rejected.Lease, partitions);
        });
    }

    private static async ValueTask OnRejectedAsync(HttpContext context, RateLimitLease lease, ClientPartitions partitions)
    {
        var perClient = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter);
        var seconds = perClient ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        context.RequestServices.GetRequiredService<ThrottleLog>().Refused(
            perClient ? partitions.KeyOf(ForwardedClient.AddressOf(context)).ToString() : AllClients,
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

    /// <summary>A flood is one line per window and client, chosen and counted by a limiter of one permit.</summary>
    internal sealed partial class ThrottleLog(ILogger logger, TimeSpan window) : IDisposable
    {
        private readonly PartitionedRateLimiter<string> _lines = PartitionedRateLimiter.Create<string, string>(client =>
            RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions { PermitLimit = 1, Window = window, QueueLimit = 0 }));

        public void Refused(string client, string reason)
        {
            using var line = _lines.AttemptAcquire(client);
            if (line.IsAcquired) LogThrottled(logger, client, reason, window.TotalSeconds, _lines.GetStatistics(client)?.TotalFailedLeases ?? 0);
        }

        public void Dispose() => _lines.Dispose();

        [LoggerMessage(LogLevel.Warning,
            "Throttling {Client}: {Reason}; answering 429 with Retry-After. Logged once per {Window} s; {Earlier} further requests were refused without a line of their own so far")]
        private static partial void LogThrottled(ILogger logger, string client, string reason, double window, long earlier);
    }
}

/// <summary>At most <see cref="MaxClients"/> budgets a window, so ever new addresses cannot grow the limiter's partitions without bound.</summary>
internal sealed class ClientPartitions(TimeSpan window)
{
    public const int MaxClients = 10_000;

    /// <summary>The one key that clients past the bound share.</summary>
    private static readonly IPAddress Overflow = IPAddress.IPv6None;

    private sealed class Window
    {
        public readonly long Started = Stopwatch.GetTimestamp();
        public readonly ConcurrentDictionary<IPAddress, byte> Seen = new();
        public int Count;
    }

    private Window _current = new();

    public IPAddress KeyOf(IPAddress client)
    {
        var current = Volatile.Read(ref _current);
        if (Stopwatch.GetElapsedTime(current.Started) > window)
        {
            var next = new Window();
            current = Interlocked.CompareExchange(ref _current, next, current) == current ? next : Volatile.Read(ref _current);
        }

        if (current.Seen.ContainsKey(client)) return client;
        if (Interlocked.Increment(ref current.Count) > MaxClients) return Overflow;
        current.Seen.TryAdd(client, 0);
        return client;
    }
}
