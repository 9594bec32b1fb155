namespace VotingApp.ServiceDefaults;

/// <summary>The headers Istio needs copied from each request to the calls it makes, so that one request is one trace.</summary>
public static class TracingHeaders
{
    /// <summary>Not traceparent: .NET's Activity propagation puts this hop in as the parent (copying would skip it).</summary>
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
