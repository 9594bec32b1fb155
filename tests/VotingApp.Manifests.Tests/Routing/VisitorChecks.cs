using VotingApp.Manifests.Tests.Cluster;
using VotingApp.ServiceDefaults;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// What a visitor must be able to rely on, whatever the routes: their votes and their results come from one
/// store (app 1.x with storage 1.0 on Redis, app 2.0 with storage 2.0 on MySQL, directly and through
/// analytics), and no write (a vote or a reset) is ever sent again on a condition after which it may already
/// have been applied (<see cref="RetryPolicy.AfterTheRequest"/>).
/// </summary>
public static class VisitorChecks
{
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
                if (target.App == VotingService.Storage.Name && target.Version != expected)
                {
                    yield return $"app {app.Version} {request} -> storage {target.Version}";
                }

                if (target.App != VotingService.Analytics.Name) continue;
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
