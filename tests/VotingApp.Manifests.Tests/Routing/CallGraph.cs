using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.Routing;

/// <summary>
/// Who calls whom, from the services' contract and the hosts their Deployments configure: a user's
/// request enters through the ingress gateway to the app; the app reads results from analytics and posts
/// votes to storage; analytics reads counts from storage; storage 1.0 connects to Redis, 2.0 to MySQL
/// (always, for its readiness check, even when nobody votes).
/// </summary>
public sealed class CallGraph(MeshRouter router)
{
    public MeshRouter Router { get; } = router;

    /// <summary>
    /// What a browser sends through the gateway: the page, a vote or a reset (both a form POST to /), and
    /// the two feature-flag buttons. Services/ServiceCallTests checks this against the page the app renders.
    /// </summary>
    public static IReadOnlyList<(string Method, string Path)> BrowserCalls { get; } =
        [("GET", "/"), ("POST", "/"), ("POST", "/featureflag/set"), ("POST", "/featureflag/clear")];

    /// <summary>
    /// The HTTP calls each service makes to another, by caller: the app reads the results from analytics and
    /// votes (alone, or together when voters vote at once) and resets through storage; analytics reads the counts from storage. Services/ServiceCallTests
    /// checks this against what the running services send (recorded by proxies), so it cannot drift.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<(string Callee, string Method, string Path)>> ServiceCalls { get; } =
        new Dictionary<string, IReadOnlyList<(string, string, string)>>
        {
            [ServiceCatalog.App.Name] =
            [
                (ServiceCatalog.Analytics.Name, "GET", "/analytics"),
                (ServiceCatalog.Storage.Name, "POST", "/api/votes"),
                (ServiceCatalog.Storage.Name, "POST", "/api/votes/batch"),
                (ServiceCatalog.Storage.Name, "DELETE", "/api/votes"),
                (ServiceCatalog.Storage.Name, "GET", "/api/store"),
            ],
            [ServiceCatalog.Analytics.Name] = [(ServiceCatalog.Storage.Name, "GET", "/api/votes")],
        };

    /// <summary>The calls one pod of the workload makes while it serves requests (or, for storage, always).</summary>
    public static IEnumerable<(string Host, MeshRequest Request)> CallsOf(Workload workload)
    {
        foreach (var (callee, method, path) in ServiceCalls.GetValueOrDefault(workload.App) ?? [])
        {
            var variable = callee == ServiceCatalog.Analytics.Name ? "ANALYTICS_HOST" : "STORAGE_HOST";
            yield return (Env(workload, variable, callee), MeshRequest.Send(method, path));
        }

        if (workload.App == ServiceCatalog.Storage.Name)
        {
            yield return (Env(workload, ServiceCatalog.Storage.Release(workload.Version)?.Store == StoreNames.Redis ? "REDIS_HOST" : "MYSQL_HOST", "(unset)"), MeshRequest.Tcp);
        }
    }

    /// <summary>The ingress gateway, when a Gateway object configures it.</summary>
    public Caller? Entry =>
        Router.State.OfKind("Gateway").SingleOrDefault() is { } gateway ? Caller.IngressGateway(Router.State.Platform, gateway.Name) : null;

    /// <summary>The app pods a browser's GET / with these cookies reaches.</summary>
    public IReadOnlyList<Workload> Apps(string? cookie) =>
        Entry is { } entry
            ? Router.Route(entry, ServiceCatalog.App.Name, MeshRequest.Get("/", cookie)).Where(app => Router.Allows(entry, app, MeshRequest.Get("/", cookie))).ToList()
            : [];

    /// <summary>What GET / can show in x-voting-chain, e.g. "app/1.0 analytics/1.1 storage/1.0".</summary>
    public IReadOnlySet<string> PageChains(string? cookie) =>
        Apps(cookie).SelectMany(app => Next(app, ServiceCatalog.Analytics)
                .SelectMany(analytics => Next(analytics, ServiceCatalog.Storage)
                    .Select(storage => $"app/{app.Version} analytics/{analytics.Version} storage/{storage.Version}")))
            .ToHashSet();

    /// <summary>What a vote's POST / can show in x-voting-chain, e.g. "app/1.0 storage/1.0".</summary>
    public IReadOnlySet<string> VoteChains(string? cookie) =>
        Apps(cookie).SelectMany(app => Next(app, ServiceCatalog.Storage).Select(storage => $"app/{app.Version} storage/{storage.Version}"))
            .ToHashSet();

    /// <summary>Every call that some running pod makes at this state, starting from the given browser requests.</summary>
    public IEnumerable<(Caller Caller, string Host, MeshRequest Request)> LiveCalls(IEnumerable<string?> cookies)
    {
        var calls = new List<(Caller, string, MeshRequest)>();
        var active = new HashSet<Workload>();
        if (Entry is { } entry)
        {
            foreach (var cookie in cookies)
            {
                calls.AddRange(BrowserCalls.Select(call => (entry, ServiceCatalog.App.Name, MeshRequest.Send(call.Method, call.Path, cookie))));
                active.UnionWith(Apps(cookie));
            }
        }

        active.UnionWith(Router.State.Workloads.Where(w => w.App == ServiceCatalog.Storage.Name));
        var queue = new Queue<Workload>(active);
        while (queue.TryDequeue(out var workload))
        {
            foreach (var (host, request) in CallsOf(workload))
            {
                calls.Add((Caller.Pod(workload), host, request));
                foreach (var next in Router.Route(Caller.Pod(workload), host, request).Where(active.Add)) queue.Enqueue(next);
            }
        }

        return calls;
    }

    private IEnumerable<Workload> Next(Workload from, CatalogEntry to) =>
        CallsOf(from).Where(call => call.Request.Http)
            .SelectMany(call => Router.Route(Caller.Pod(from), call.Host, call.Request)
                .Where(target => target.App == to.Name && Router.Allows(Caller.Pod(from), target, call.Request)))
            .Distinct();

    private static string Env(Workload workload, string name, string fallback) =>
        workload.Containers.SelectMany(c => ClusterState.Items(c["env"]))
            .FirstOrDefault(e => e["name"]!.GetValue<string>() == name)?["value"]?.GetValue<string>() ?? fallback;
}
