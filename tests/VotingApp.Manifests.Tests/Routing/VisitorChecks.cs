using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// What a visitor must be able to rely on, whatever the routes: their votes and their results come from one
/// store (app 1.x with storage 1.0 on Redis, app 2.0 with storage 2.0 on MySQL, directly and through
/// analytics), and no write (a vote or a reset) is ever sent again on a condition after which it may already
/// have been applied (<see cref="RetryPolicy.AfterTheRequest"/>).
/// </summary>
public static class VisitorChecks
{
    /// <summary>The Cookie headers a visitor may send: with the flag, and without it or with look-alikes.</summary>
    public static IReadOnlyList<string?> Cookies { get; } = [.. RoutingTests.FlagOn, .. RoutingTests.FlagOff];

    /// <summary>Both checks on the Istio track: every app pod a visitor reaches, and every write a visitor causes.</summary>
    public static IEnumerable<string> Problems(CallGraph graph) =>
        Cookies.SelectMany(graph.Apps).Distinct().SelectMany(app => OneStoreProblems(graph.Router, app))
            .Concat(UnsafeRetries(graph, Cookies)).Distinct();

    /// <summary>
    /// Both checks on the Gateway API track: every chain a visitor's page or vote takes ends at their app's store,
    /// whatever cookies they send (the flag, a track cookie of either version), and no write (POST / at the
    /// gateway, POST and DELETE /api/votes) is re-sent after it may have been applied.
    /// </summary>
    public static IEnumerable<string> Problems(GatewayApi.GatewayRouter router)
    {
        var graph = new GatewayApi.TrackGraph(router);
        string?[] cookies = [.. Cookies, "voting-track=1.0", "voting-track=2.0", "voting-track=2.0; featureflag=on"];
        foreach (var cookie in cookies)
        {
            foreach (var chain in graph.PageChains(cookie).Keys.Concat(graph.VoteChains(cookie).Keys))
            {
                var parts = chain.Split(' ');
                var store = parts.Single(p => p.StartsWith("storage/", StringComparison.Ordinal))["storage/".Length..];
                if (store != StoreOf(parts[0]["app/".Length..])) yield return $"cookie '{cookie}': {chain}";
            }
        }

        foreach (var (where, policy) in new[] { ("gateway POST /", router.RetriesFor(null)), ("POST, DELETE /api/votes", router.RetriesFor(ServiceCatalog.Storage.Name)) })
        {
            if (policy.AfterTheRequest.Count > 0) yield return $"{where}: {policy}";
        }
    }

    /// <summary>The storage version an app version's visitors vote to and read from.</summary>
    public static string StoreOf(string? appVersion) => appVersion == "2.0" ? "2.0" : "1.0";

    /// <summary>Where this app pod's votes and results would land other than its own store.</summary>
    public static IEnumerable<string> OneStoreProblems(MeshRouter router, Workload app)
    {
        var expected = StoreOf(app.Version);
        foreach (var (host, request) in CallGraph.CallsOf(app).Where(c => c.Request.Http))
        {
            foreach (var target in Targets(router, Caller.Pod(app), host, request))
            {
                if (target.App == ServiceCatalog.Storage.Name && target.Version != expected)
                {
                    yield return $"app {app.Version} {request} -> storage {target.Version}";
                }

                if (target.App != ServiceCatalog.Analytics.Name) continue;
                foreach (var (next, read) in CallGraph.CallsOf(target).Where(c => c.Request.Http))
                {
                    foreach (var storage in Targets(router, Caller.Pod(target), next, read).Where(s => s.Version != expected))
                    {
                        yield return $"app {app.Version} {request} -> analytics {target.Version} {read} -> storage {storage.Version}";
                    }
                }
            }
        }
    }

    /// <summary>The writes a visitor causes (their POST at the gateway, the app's POST and DELETE to storage) that a proxy may re-send after they were applied.</summary>
    public static IEnumerable<string> UnsafeRetries(CallGraph graph, IEnumerable<string?> cookies)
    {
        var writes = graph.LiveCalls(cookies).Where(call => call.Request.Http && call.Request.Method is "POST" or "DELETE" or "PUT" or "PATCH").Distinct();
        foreach (var (caller, host, request) in writes)
        {
            if (graph.Router.Decide(caller, host, request) is { } decision && decision.Route.Retries.AfterTheRequest is { Count: > 0 } unsafeOn)
            {
                yield return $"{caller} -> {host} {request}: {decision.Route.Where} retries on {string.Join(",", unsafeOn)}";
            }
        }
    }

    private static IReadOnlyList<Workload> Targets(MeshRouter router, Caller caller, string host, MeshRequest request)
    {
        try
        {
            return router.Route(caller, host, request);
        }
        catch (RoutingException)
        {
            return [];
        }
    }
}
