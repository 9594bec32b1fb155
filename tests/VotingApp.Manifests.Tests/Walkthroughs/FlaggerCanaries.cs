using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>
/// Flagger's primaries, as far as the walkthrough shows them: a Canary copies its target's pod template to
/// the primary when it is first initialized and again when a canary is promoted (docs.flagger.app/usage/how-it-works);
/// a new template of the target is a revision to analyse. The statuses the walkthrough prints for
/// `kubectl get canaries` must be possible: "Progressing" only with a revision that differs from the primary.
/// </summary>
public static partial class FlaggerCanaries
{
    /// <summary>A Canary is applied: on first sight Flagger initializes it from its target.</summary>
    public static void Initialize(ClusterModel cluster, string ns, string canary, string target)
    {
        if (!cluster.Primaries.ContainsKey((ns, canary)) && cluster.Find(ns, "Deployment", target) is { } deployment)
        {
            cluster.Primaries[(ns, canary)] = Template(deployment.Json);
        }
    }

    /// <summary>The statuses printed below a `kubectl get canaries` command, checked and, for "Succeeded", promoted.</summary>
    public static IEnumerable<string> Observe(ClusterModel cluster, PrintedCommand command, string ns)
    {
        foreach (var status in command.Output.Select(line => Status().Match(line)).Where(m => m.Success))
        {
            var (name, phase) = (status.Groups[1].Value, status.Groups[2].Value);
            var canary = cluster.Find(ns, "Canary", name);
            var target = canary?.Json["spec"]?["targetRef"]?["name"]?.GetValue<string>();
            var deployment = target is null ? null : cluster.Find(ns, "Deployment", target);
            if (canary is null || deployment is null || !cluster.Primaries.TryGetValue((ns, name), out var primary))
            {
                yield return $"{command} prints {name} {phase}, but there is no initialized Canary {name} with its Deployment";
                continue;
            }

            var revision = Template(deployment.Json);
            if (phase == "Progressing" && JsonNode.DeepEquals(primary, revision))
            {
                yield return $"{command} prints {name} Progressing, but {target}'s pod template is the primary's: there is no revision to analyse";
            }

            if (phase == "Succeeded") cluster.Primaries[(ns, name)] = revision;
        }
    }

    private static JsonNode Template(JsonObject deployment) => deployment["spec"]!["template"]!.DeepClone();

    [GeneratedRegex(@"^(\S+)\s+(Initializing|Initialized|Waiting|Progressing|WaitingPromotion|Promoting|Finalising|Succeeded|Failed|Terminating|Terminated)\s")]
    private static partial Regex Status();
}
