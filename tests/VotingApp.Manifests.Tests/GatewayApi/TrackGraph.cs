using Microsoft.Extensions.Primitives;
using VotingApp.Manifests.Tests.Cluster;
using VotingApp.Manifests.Tests.Routing;
using VotingApp.Contracts;

namespace VotingApp.Manifests.Tests.GatewayApi;

/// <summary>
/// What each hop sends on, for <see cref="GatewayRouter"/>: a visitor's request enters through the gateway;
/// each service makes the calls <see cref="CallGraph.CallsOf"/> lists, carrying the x-voting-track header
/// that <see cref="VotingTrack.ToSend"/> (the services' own code) computes from the request it serves.
/// Besides, every running pod makes its start-up calls, outside any request, and needs them answered to be
/// ready (src/VotingApp.ServiceDefaults/Warmup.cs): the app's with its track, analytics' with none.
/// </summary>
public sealed class TrackGraph(GatewayRouter router)
{
    public GatewayRouter Router { get; } = router;
    public MeshAuthorization Authorization { get; } = new(router);

    /// <summary>A visitor's request: method, path, and the Cookie header (and any other header) it carries.</summary>
    public static MeshRequest Visit(string method, string path, string? cookie, string? track = null)
    {
        var headers = new Dictionary<string, string>();
        if (cookie is not null) headers["cookie"] = cookie;
        if (track is not null) headers[VotingTrack.HeaderName] = track;
        return new MeshRequest(path, headers, Method: method);
    }

    /// <summary>The app pods a visitor's request reaches, with their shares; only those the gateway and the app let in.</summary>
    public IReadOnlyList<Hop> Apps(MeshRequest visit)
    {
        if (!Authorization.GatewayAdmits(visit) && Router.State.OfKind("AuthorizationPolicy").Any()) return [];
        return Router.Enter(visit)
            .Where(hop => Authorization.Admits(GatewayRouter.Gateway, Backend(hop), hop.Target, visit with { Headers = hop.Headers }))
            .ToList();
    }

    /// <summary>"app/1.0 analytics/1.1 storage/1.0" with the share of page views that show it.</summary>
    public IReadOnlyDictionary<string, double> PageChains(string? cookie, string? track = null) =>
        Chains(Visit("GET", "/", cookie, track), [(ServiceCatalog.Analytics, "GET", "/analytics"), (ServiceCatalog.Storage, "GET", "/api/votes")]);

    /// <summary>"app/1.0 storage/1.0" with the share of votes that land there.</summary>
    public IReadOnlyDictionary<string, double> VoteChains(string? cookie, string? track = null) =>
        Chains(Visit("POST", "/", cookie, track), [(ServiceCatalog.Storage, "POST", "/api/votes")]);

    private Dictionary<string, double> Chains(MeshRequest visit, (CatalogEntry Service, string Method, string Path)[] hops)
    {
        var chains = new Dictionary<string, double>();
        foreach (var app in Apps(visit))
        {
            var paths = new List<(string Chain, double Share, Workload Last, StringValues Track)>
            {
                ($"app/{app.Target.Version}", app.Share, app.Target, app.Headers.GetValueOrDefault(VotingTrack.HeaderName) ?? StringValues.Empty),
            };
            foreach (var (service, method, callPath) in hops)
            {
                paths = paths.SelectMany(path => Next(path.Last, path.Track, service, method, callPath)
                    .Select(hop => ($"{path.Chain} {service.ShortName}/{hop.Target.Version}", path.Share * hop.Share, hop.Target,
                        hop.Headers.GetValueOrDefault(VotingTrack.HeaderName) is { } sent ? new StringValues(sent) : StringValues.Empty))).ToList();
            }

            foreach (var (chain, share, _, _) in paths) chains[chain] = chains.GetValueOrDefault(chain) + share;
        }

        return chains;
    }

    /// <summary>Where <paramref name="from"/>'s call to <paramref name="to"/> lands while it serves a request with this track, if let in.</summary>
    public IEnumerable<Hop> Next(Workload from, StringValues incomingTrack, CatalogEntry to, string method, string path) =>
        Calls(from, incomingTrack).Where(call => call.Request.Http && call.Host == to.Name && call.Request.Method == method && call.Request.Path == path)
            .SelectMany(call => Router.Call(call.Host, call.Request)
                .Where(hop => hop.Target.App == to.Name && Authorization.Admits(Caller.Pod(from), call.Host, hop.Target, call.Request)));

    /// <summary>The calls a pod makes while it serves a request with this incoming track (or, with none, at start-up).</summary>
    public static IEnumerable<(string Host, MeshRequest Request)> Calls(Workload from, StringValues incomingTrack)
    {
        var service = ServiceCatalog.All.FirstOrDefault(s => s.Name == from.App);
        var track = service is null || from.Version is null ? null : VotingTrack.ToSend(service, from.Version, incomingTrack);
        foreach (var (host, request) in CallGraph.CallsOf(from))
        {
            var headers = new Dictionary<string, string>(request.Headers);
            if (track is not null && request.Http) headers[VotingTrack.HeaderName] = track;
            yield return (host, request with { Headers = headers });
        }
    }

    /// <summary>
    /// Every call some running pod makes at this state (from these visitors on, and every start-up call), with
    /// what becomes of it: a problem when it has no route, its backend selects no pods, or it is not let in.
    /// </summary>
    public IEnumerable<(string Call, string? Problem)> LiveCalls(IEnumerable<MeshRequest> visits)
    {
        var seen = new HashSet<(string, string)>();
        var queue = new Queue<(Workload Pod, StringValues Track)>();
        foreach (var pod in Router.State.Workloads) queue.Enqueue((pod, StringValues.Empty));
        foreach (var visit in visits)
        {
            var name = $"{visit.Method} {visit.Path} {string.Join(' ', visit.Headers.Select(h => $"{h.Key}={h.Value}"))}";
            if (Router.State.Find("Gateway", GatewayRouter.GatewayName) is null) continue;
            var hops = Try(() => Router.Enter(visit), out var problem);
            if (problem is null && hops.Count == 0) problem = "no route (404)";
            if (problem is null && !Authorization.GatewayAdmits(visit)) problem = "denied at the gateway";
            foreach (var hop in hops.Where(h => !Authorization.Admits(GatewayRouter.Gateway, Backend(h), h.Target, visit with { Headers = h.Headers })))
            {
                problem ??= $"denied by {hop.Target}";
            }

            yield return ($"visitor {name}", problem);
            foreach (var hop in hops) queue.Enqueue((hop.Target, hop.Headers.GetValueOrDefault(VotingTrack.HeaderName) ?? StringValues.Empty));
        }

        while (queue.TryDequeue(out var item))
        {
            if (!seen.Add((item.Pod.Name, item.Track.ToString()))) continue;
            foreach (var (host, request) in Calls(item.Pod, item.Track))
            {
                var hops = Try(() => Router.Call(host, request), out var problem);
                var denied = hops.Where(h => !Authorization.Admits(Caller.Pod(item.Pod), host, h.Target, request)).Select(h => h.Target.Name).ToList();
                if (problem is null && denied.Count > 0) problem = $"denied by {string.Join(", ", denied)}";
                var track = request.Headers.GetValueOrDefault(VotingTrack.HeaderName);
                yield return ($"{item.Pod} -> {host} {request} (track {track ?? "none"})", problem);
                foreach (var hop in hops) queue.Enqueue((hop.Target, track ?? StringValues.Empty));
            }
        }
    }

    /// <summary>The Service a gateway hop went through (the per-version Service that selects its pods).</summary>
    private string Backend(Hop hop) =>
        Router.State.OfKind("Service").Where(s => hop.Target.HasLabels(Workload.Labels(s.Json["spec"]!["selector"])))
            .OrderByDescending(s => Workload.Labels(s.Json["spec"]!["selector"]).Count).First().Name;

    private static IReadOnlyList<Hop> Try(Func<IReadOnlyList<Hop>> route, out string? problem)
    {
        try
        {
            problem = null;
            return route();
        }
        catch (RoutingException e)
        {
            problem = e.Message;
            return [];
        }
    }
}
