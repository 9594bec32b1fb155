using System.Text.Json.Nodes;
using static VotingApp.Manifests.Tests.Routing.StrictFields;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// The retry policy Envoy gets for one route, as Istio 1.30 computes it:
/// - no `retries` on the route: the mesh's meshConfig.defaultHttpRetryPolicy, or without one Istio's default
///   (pilot/pkg/networking/core/route/route.go, translateRoute: `policy := in.Retries`, else
///   `opts.Mesh.GetDefaultHttpRetryPolicy()`; a route Istio builds for a host without a VirtualService gets the
///   same, BuildDefaultHTTPOutboundRoute);
/// - Istio's default (pilot/pkg/networking/core/route/retry/retry.go, DefaultPolicy): 2 retries on
///   "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes" with no status code listed
///   (503 was removed from it in Istio 1.24, istio/istio#52111, and its opt-out flag in 1.27, #56023), so a 503
///   is retried only when the request names it in x-envoy-retriable-status-codes;
/// - `retries` given (retry.go, ConvertPolicy): attempts &lt;= 0 turns retries off; otherwise attempts replace
///   the 2, and retryOn, when given, replaces the conditions: numbers are status codes (parseRetryOn), which
///   add "retriable-status-codes"; without retryOn the default conditions stay. Istio refuses a VirtualService
///   whose retryOn names a condition Envoy does not know (pkg/config/validation/validation.go,
///   supportedRetryOnPolicies, validateHTTPRetry), and so does this.
/// </summary>
public sealed record RetryPolicy(int Attempts, IReadOnlySet<string> RetryOn, IReadOnlySet<int> StatusCodes)
{
    public static RetryPolicy None { get; } = new(0, new HashSet<string>(), new HashSet<int>());

    /// <summary>retry.go DefaultPolicy: 2 retries, defaultRetryOn, no retriable status codes.</summary>
    public static RetryPolicy IstioDefault { get; } = new(2, Conditions("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"), new HashSet<int>());

    /// <summary>
    /// The conditions after which the request cannot have reached the service, so a write may be re-sent: the
    /// connection failed, the upstream refused the stream (HTTP/2 REFUSED_STREAM), the stream was reset before
    /// the request was sent (Envoy's router filter, x-envoy-retry-on). Every other condition follows an answer
    /// or a reset after the request went out: 5xx, gateway-error, reset, retriable-4xx, retriable-status-codes
    /// and status codes, retriable-headers, envoy-ratelimited, http3-post-connect-failure and the gRPC
    /// statuses (cancelled, deadline-exceeded, internal, resource-exhausted, unavailable).
    /// </summary>
    public static IReadOnlySet<string> BeforeTheRequest { get; } = Conditions("connect-failure,refused-stream,reset-before-request");

    /// <summary>validation.go supportedRetryOnPolicies: what Envoy's x-envoy-retry-on and x-envoy-retry-grpc-on accept.</summary>
    private static readonly HashSet<string> Supported =
    [
        "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx", "refused-stream",
        "retriable-status-codes", "retriable-headers", "envoy-ratelimited", "http3-post-connect-failure",
        "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
    ];

    /// <summary>The conditions on which a request that may already have been applied is sent again (empty: safe for writes).</summary>
    public IReadOnlyList<string> AfterTheRequest =>
        Attempts <= 0 ? [] : RetryOn.Where(c => !BeforeTheRequest.Contains(c)).Concat(StatusCodes.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))).Order(StringComparer.Ordinal).ToList();

    /// <summary>ConvertPolicy: an HTTPRetry (a route's `retries`, or meshConfig.defaultHttpRetryPolicy) over Istio's default.</summary>
    public static RetryPolicy Convert(JsonNode? retries, string where)
    {
        if (retries is null) return IstioDefault;
        var fields = Only(retries, $"{where} retries", "attempts", "retryOn", "perTryTimeout");
        var attempts = fields["attempts"]?.GetValue<int>() ?? 0;
        var retryOn = fields["retryOn"]?.GetValue<string>() ?? "";
        if (attempts < 0) throw new RoutingException($"{where}: retries.attempts cannot be negative (Istio refuses it)");
        if (attempts == 0)
        {
            return retryOn == "" && fields["perTryTimeout"] is null ? None : throw new RoutingException($"{where}: a retry policy with attempts 0 (Istio refuses it)");
        }

        if (retryOn == "") return IstioDefault with { Attempts = attempts };
        var conditions = new HashSet<string>(StringComparer.Ordinal);
        var codes = new HashSet<int>();
        foreach (var part in retryOn.Split(',').Select(p => p.Trim()).Where(p => p != ""))
        {
            if (int.TryParse(part, out var code) && Enum.IsDefined((System.Net.HttpStatusCode)code)) codes.Add(code);
            else if (Supported.Contains(part)) conditions.Add(part);
            else throw new RoutingException($"{where}: \"{part}\" is not a valid retryOn policy (Istio refuses it)");
        }

        if (codes.Count > 0) conditions.Add("retriable-status-codes");
        return new RetryPolicy(attempts, conditions, codes);
    }

    public override string ToString() =>
        Attempts <= 0 ? "no retries" : $"{Attempts} retries on {string.Join(",", RetryOn.Order(StringComparer.Ordinal).Concat(StatusCodes.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))))}";

    private static HashSet<string> Conditions(string list) => list.Split(',').ToHashSet(StringComparer.Ordinal);
}
