namespace VotingApp.ServiceDefaults;

/// <summary>
/// The request headers that Istio (Envoy) needs every service to copy from its incoming request to the
/// calls it makes, so that the spans of one user request join into one trace.
/// </summary>
public static class TracingHeaders
{
    /// <summary>
    /// Copied verbatim by header propagation. traceparent and tracestate are not in this list: the W3C
    /// context is carried by .NET's own Activity propagation, which keeps the trace id and puts this
    /// service's span in as the parent (copying the incoming value would skip a hop).
    /// </summary>
    public static readonly IReadOnlyList<string> CopiedVerbatim =
    [
        "x-request-id",
        "x-b3-traceid",
        "x-b3-spanid",
        "x-b3-parentspanid",
        "x-b3-sampled",
        "x-b3-flags",
        "x-ot-span-context",
    ];
}
