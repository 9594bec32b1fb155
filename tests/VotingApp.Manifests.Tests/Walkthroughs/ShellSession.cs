using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VotingApp.Manifests.Tests.Platforms;
using VotingApp.Manifests.Tests.Yaml;
using static VotingApp.Manifests.Tests.Walkthroughs.ShellScript;

namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>
/// Runs the walkthroughs' commands against a <see cref="ClusterModel"/>: kubectl (apply/delete of files,
/// kustomize renders and URLs; create namespace/secret/configmap; label; run), helm, istioctl install and
/// `az aks mesh`. Reads (kubectl get/wait/…, istioctl's queries) change nothing but must name a namespace
/// and objects that exist. A program that is neither modelled nor in <see cref="ReadOnlyPrograms"/> fails.
/// </summary>
public sealed partial class ShellSession(ClusterModel cluster)
{
    /// <summary>
    /// Programs that never change the cluster, so they are no-ops here. Each says why it is safe to skip.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> ReadOnlyPrograms = new Dictionary<string, string>
    {
        ["curl"] = "requests to the app or the load tester through a port-forward",
        ["echo"] = "prints a variable",
        ["grep"] = "filters output",
        ["head"] = "filters output",
        ["tail"] = "filters output",
        ["sleep"] = "waits",
        ["seq"] = "counts",
        ["cat"] = "reads a local file",
        ["openssl"] = "makes a random password (`openssl rand`)",
        ["docker"] = "builds an image on the operator's machine (`docker build`)",
        ["dotnet"] = "runs the load generator on the operator's machine (`dotnet run`)",
        ["rm"] = "removes curl's local cookie jar",
    };

    /// <summary>kubectl's reads: they change nothing, but the namespace and the named object must exist.</summary>
    private static readonly HashSet<string> KubectlReads = ["get", "wait", "rollout", "logs", "describe", "port-forward", "exec"];

    private static readonly HashSet<string> ValueFlags =
    [
        "-n", "--namespace", "-f", "--filename", "-k", "--kustomize", "-l", "--selector", "-o", "--output", "--for", "--timeout",
        "-c", "--container", "--image", "--labels", "--overrides", "--cert", "--key", "--load-restrictor", "--from-literal",
        "--from-file", "--type", "--restart", "--fqdn", "--subset", "--istioNamespace", "--set", "--resource-group", "--name",
        "--query", "--ingress-gateway-type", "-d", "-H", "-b", "-c", "-w", "--cookie", "--url", "--connections", "--duration",
        "--cookie-share", "--project", "--resolve",
    ];

    private static readonly Dictionary<string, string> Kinds = new(StringComparer.OrdinalIgnoreCase)
    {
        ["namespace"] = "Namespace", ["ns"] = "Namespace", ["pod"] = "Pod", ["pvc"] = "PersistentVolumeClaim",
        ["persistentvolumeclaim"] = "PersistentVolumeClaim", ["deployment"] = "Deployment", ["deploy"] = "Deployment",
        ["service"] = "Service", ["svc"] = "Service", ["secret"] = "Secret", ["configmap"] = "ConfigMap",
    };

    public ClusterModel Cluster { get; } = cluster;
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>Values the operator has and the walkthrough never sets (their Azure resource group and cluster).</summary>
    public HashSet<string> OperatorValues { get; } = ["RESOURCE_GROUP", "CLUSTER"];

    /// <summary>What kubectl prints for the objects the last command changed ("deployment.apps/voting-app-1-0 created").</summary>
    public List<string> Results { get; } = [];

    /// <summary>Whether the last command changed the cluster or the shell's variables.</summary>
    public bool Changed { get; private set; }

    public void Run(string text)
    {
        Changed = false;
        Results.Clear();
        Execute(Parse(text), readOnly: false);
    }

    private void Execute(IReadOnlyList<Node> nodes, bool readOnly)
    {
        foreach (var node in nodes) Execute(node, readOnly);
    }

    private bool Execute(Node node, bool readOnly)
    {
        switch (node)
        {
            case Simple simple:
                return Pipe([simple], readOnly || simple.Background);
            case Pipeline pipeline:
                return Pipe(pipeline.Commands, readOnly);
            case AndOr andOr:
                var ok = Pipe(andOr.First.Commands, readOnly);
                foreach (var (op, next) in andOr.Rest)
                {
                    if (op == "&&" ? ok : !ok) ok = Pipe(next.Commands, readOnly);
                }

                return ok;
            case Loop loop:
                // Loops print or wait; a change inside one would happen a varying number of times.
                if (loop.Variable is { } variable) Variables[variable] = Words(loop.Items.Take(1)).FirstOrDefault() ?? "";
                Execute(loop.Condition, readOnly: true);
                Execute(loop.Body, readOnly: true);
                return true;
            default:
                throw new NotSupportedException(node.ToString());
        }
    }

    /// <summary>Runs a pipeline; false when its test failed (`kubectl get crd X` of a CRD not installed).</summary>
    private bool Pipe(IReadOnlyList<Simple> commands, bool readOnly)
    {
        if (commands.Count == 1 && Assignment().Match(commands[0].Words[0]) is { Success: true } assignment && commands[0].Words.Count == 1)
        {
            if (readOnly) throw new NotSupportedException($"an assignment inside a loop: {assignment.Value}");
            Variables[assignment.Groups[1].Value] = string.Concat(Words([assignment.Groups[2].Value]));
            Changed = true;
            return true;
        }

        var argvs = commands.Select(c => Words(c.Words).ToList()).ToList();
        if (argvs.Count == 2 && argvs[0] is ["kubectl", "kustomize", ..] && argvs[1] is ["kubectl", "apply" or "delete", ..])
        {
            var folder = Positional(argvs[0].Skip(2).ToList()).Single();
            if (!argvs[1].Contains("-")) throw new NotSupportedException("kubectl after kustomize must read -f -");
            Kubectl(argvs[1], Kustomize.Render(folder), readOnly);
            return true;
        }

        var ok = Command(argvs[0], readOnly, stdin: null);
        foreach (var argv in argvs.Skip(1))
        {
            if (!ReadOnlyPrograms.ContainsKey(argv[0])) throw new NotSupportedException($"`{argv[0]}` reading a pipe is not modelled");
        }

        return ok;
    }

    private bool Command(List<string> argv, bool readOnly, IReadOnlyList<ManifestDocument>? stdin)
    {
        switch (argv[0])
        {
            case "kubectl":
                return Kubectl(argv, stdin, readOnly);
            case "helm":
                Helm(argv, readOnly);
                return true;
            case "istioctl":
                Istioctl(argv, readOnly);
                return true;
            case "az":
                Az(argv, readOnly);
                return true;
            case var program when ReadOnlyPrograms.ContainsKey(program):
                if (program == "rm" && argv is not ["rm", "-f", "jar"]) throw new NotSupportedException($"`{string.Join(' ', argv)}`");
                return true;
            default:
                throw new NotSupportedException($"`{argv[0]}` is neither modelled nor in the read-only list");
        }
    }

    private bool Kubectl(List<string> argv, IReadOnlyList<ManifestDocument>? stdin, bool readOnly)
    {
        var args = argv.Skip(1).ToList();
        var words = Positional(args);
        var verb = words[0];
        var ns = Flag(args, "-n", "--namespace");
        // `kubectl logs -f` follows: there -f takes no file.
        var positional = verb == "logs" ? Positional(args.Where(a => a != "-f").ToList()).Skip(1).ToList() : words.Skip(1).ToList();
        if (KubectlReads.Contains(verb) || (verb == "run" && args.Contains("--rm")))
        {
            return Read(verb, ns ?? "default", positional, args);
        }

        if (readOnly) throw new NotSupportedException($"a change inside a loop, a substitution or in the background: kubectl {verb}");
        Changed = true;
        switch (verb)
        {
            case "apply":
            case "delete" when Flag(args, "-f", "--filename") is not null:
                var documents = Flag(args, "-f", "--filename") is { } file
                    ? file == "-" ? stdin ?? throw new NotSupportedException("-f - without kubectl kustomize before it") : ReadFile(file, ns)
                    : Flag(args, "-k", "--kustomize") is { } folder ? ReadKustomization(folder, ns) : throw new NotSupportedException("kubectl apply without -f or -k");
                foreach (var document in documents) Change(verb, ns, document);
                return true;
            case "delete":
                Cluster.Delete(ns ?? "default", Kind(positional[0]), positional[1]);
                Results.Add($"{Kind(positional[0]).ToLowerInvariant()} \"{positional[1]}\" deleted" + (Kind(positional[0]) == "Namespace" ? "" : $" from {ns ?? "default"} namespace"));
                return true;
            case "create" when positional[0] == "namespace":
                Cluster.CreateNamespace(positional[1]);
                Results.Add($"namespace/{positional[1]} created");
                return true;
            case "create" when positional[0] is "secret" or "configmap":
                Create(positional, args, ns ?? "default");
                return true;
            case "label" when Kind(positional[0]) == "Namespace":
                foreach (var pair in positional.Skip(2))
                {
                    // `key-` removes a label; `key=value` sets one.
                    if (pair.EndsWith('-') && !pair.Contains('=')) Cluster.Unlabel(positional[1], pair[..^1]);
                    else if (pair.Split('=', 2) is [var key, var value]) Cluster.Label(positional[1], key, value, args.Contains("--overwrite"));
                    else throw new NotSupportedException($"kubectl label {pair}");
                }

                Results.Add($"namespace/{positional[1]} labeled");
                return true;
            case "run":
                RunPod(positional[0], args, ns ?? "default");
                return true;
            default:
                throw new NotSupportedException($"kubectl {verb} {string.Join(' ', positional)} is not modelled");
        }
    }

    private void Change(string verb, string? flagNamespace, ManifestDocument document)
    {
        var own = document.Json["metadata"]?["namespace"]?.GetValue<string>();
        if (own is not null && flagNamespace is not null && own != flagNamespace)
        {
            throw new CommandFailed($"the namespace from the provided object \"{own}\" does not match the namespace \"{flagNamespace}\"");
        }

        var ns = own ?? flagNamespace ?? "default";
        var group = document.ApiVersion.Contains('/') ? "." + document.ApiVersion.Split('/')[0] : "";
        var resource = document.Kind.ToLowerInvariant() + group;
        if (verb == "delete")
        {
            Cluster.Delete(ns, document.Kind, document.Name);
            // Current kubectl names the namespace (kubernetes/kubernetes#126619).
            Results.Add($"{resource} \"{document.Name}\" deleted from {ns} namespace");
            return;
        }

        var live = document.Kind == "Namespace" ? null : Cluster.Find(ns, document.Kind, document.Name);
        var exists = document.Kind == "Namespace" ? Cluster.HasNamespace(document.Name) : live is not null;
        Cluster.Apply(ns, document);
        Results.Add($"{resource}/{document.Name} {(!exists ? "created" : live is not null && System.Text.Json.Nodes.JsonNode.DeepEquals(live.Json, document.Json) ? "unchanged" : "configured")}");
        if (document.Kind == "Canary" && ClusterModel.Path(document.Json, "spec", "targetRef", "name")?.GetValue<string>() is { } target)
        {
            FlaggerCanaries.Initialize(Cluster, ns, document.Name, target);
        }

        // Istio deploys a Gateway API Gateway itself: `<name>-istio` (class istio), `<name>` (istio-waypoint),
        // each with its own ServiceAccount (istio/istio releasenotes/notes/gateway-naming.yaml).
        if (document.ApiVersion.StartsWith("gateway.networking.k8s.io/", StringComparison.Ordinal) && document.Kind == "Gateway" && Cluster.Istio is not null)
        {
            var name = ClusterModel.Path(document.Json, "spec", "gatewayClassName")?.GetValue<string>() == "istio-waypoint" ? document.Name : $"{document.Name}-istio";
            Cluster.AddGateway(new GatewayPods(ns, new Dictionary<string, string> { ["gateway.networking.k8s.io/gateway-name"] = document.Name }, name, name));
        }
    }

    private IReadOnlyList<ManifestDocument> ReadFile(string file, string? ns)
    {
        // A folder: kubectl applies its files in name order.
        if (Directory.Exists(RepositoryPaths.Combine(file)))
        {
            return Directory.EnumerateFiles(RepositoryPaths.Combine(file), "*.y*ml").Order(StringComparer.Ordinal)
                .SelectMany(path => ManifestFile.Read(Path.GetRelativePath(RepositoryPaths.Root, path))).ToList();
        }

        if (!file.Contains("://", StringComparison.Ordinal)) return ManifestFile.Read(file);
        ApplyRemote(file, ns);
        return [];
    }

    private IReadOnlyList<ManifestDocument> ReadKustomization(string folder, string? ns)
    {
        if (!folder.StartsWith("github.com/", StringComparison.Ordinal)) return Kustomize.Render(folder.TrimEnd('/'));
        ApplyRemote(folder, ns);
        return [];
    }

    private void ApplyRemote(string url, string? ns)
    {
        var manifest = Installers.Remote.GetValueOrDefault(url) ?? throw new NotSupportedException($"the manifest at {url} is not modelled");
        if (ns is not null && manifest.Namespace != "" && ns != manifest.Namespace) throw new CommandFailed($"{url} names namespace {manifest.Namespace}, not {ns}");
        Cluster.Serve(manifest.Groups);
        foreach (var (kind, name) in manifest.Objects) Cluster.Put(manifest.Namespace, kind, name);
    }

    private void Create(List<string> positional, List<string> args, string ns)
    {
        Cluster.RequireNamespace(ns);
        var name = positional[0] == "secret" ? positional[2] : positional[1];
        var kind = positional[0] == "secret" ? "Secret" : "ConfigMap";
        if (Cluster.Exists(ns, kind, name)) throw new CommandFailed($"{kind.ToLowerInvariant()}s \"{name}\" already exists");
        var keys = positional[0] == "secret" && positional[1] == "tls"
            ? ["tls.crt", "tls.key"]
            : args.Where(a => a.StartsWith("--from-literal=", StringComparison.Ordinal) || a.StartsWith("--from-file=", StringComparison.Ordinal))
                .Select(a => a.Split('=', 3)[1]).ToList();
        if (keys.Count == 0) throw new NotSupportedException($"kubectl create {string.Join(' ', positional)} without --from-literal or --from-file");
        var data = new JsonObject();
        foreach (var key in keys) data[key] = "";
        var json = new JsonObject { ["apiVersion"] = "v1", ["kind"] = kind, ["metadata"] = new JsonObject { ["name"] = name }, ["data"] = data };
        Cluster.Apply(ns, new ManifestDocument("kubectl create", 0, json));
        Results.Add($"{kind.ToLowerInvariant()}/{name} created");
    }

    /// <summary>`kubectl run NAME --labels=… --overrides=…`: a bare Pod, kept until `kubectl delete pod`.</summary>
    private void RunPod(string name, List<string> args, string ns)
    {
        var labels = new JsonObject();
        foreach (var pair in (Flag(args, "--labels") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)) labels[pair.Split('=')[0]] = pair.Split('=')[1];
        var spec = Flag(args, "--overrides") is { } overrides ? JsonNode.Parse(overrides)!["spec"]!.DeepClone().AsObject() : new JsonObject();
        spec["containers"] ??= new JsonArray(new JsonObject { ["name"] = name, ["image"] = Flag(args, "--image") });
        var json = new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = labels },
            ["spec"] = spec,
        };
        Cluster.Apply(ns, new ManifestDocument("kubectl run", 0, json));
        Results.Add($"pod/{name} created");
    }

    /// <summary>A read: the namespace exists, and so does the object it names (deployment/x, svc/x, pod x, crd x).</summary>
    private bool Read(string verb, string ns, List<string> positional, List<string> args)
    {
        if (verb == "get" && positional is ["crd", var crd]) return Cluster.Serves(crd[(crd.IndexOf('.') + 1)..]);
        Cluster.RequireNamespace(ns);
        var target = verb switch
        {
            "rollout" => positional.ElementAtOrDefault(1),
            "get" or "describe" when positional.Count >= 2 => $"{positional[0]}/{positional[1]}",
            "wait" or "logs" or "port-forward" or "exec" => positional.FirstOrDefault(),
            _ => null,
        };
        if (target is not null && !args.Contains("--all") && target.Split('/') is [var kind, var name] && Kinds.ContainsKey(kind.TrimEnd('s')))
        {
            if (!Cluster.Exists(ns, Kind(kind.TrimEnd('s')), name)) throw new CommandFailed($"{kind} \"{name}\" not found in namespace {ns}");
        }
        else if (target is not null && verb is "exec" && !Cluster.Exists(ns, "Pod", target))
        {
            throw new CommandFailed($"pods \"{target}\" not found in namespace {ns}");
        }

        return true;
    }

    private void Helm(List<string> argv, bool readOnly)
    {
        if (readOnly) throw new NotSupportedException("helm inside a loop or a substitution");
        Changed = true;
        var positional = Positional(argv.Skip(2).ToList());
        switch (argv[1])
        {
            case "repo" when positional[0] == "add":
                Cluster.AddHelmRepository(positional[1]);
                return;
            case "install" or "upgrade":
                var (release, chart) = (positional[0], positional[1]);
                var ns = Flag(argv, "-n", "--namespace") ?? "default";
                if (!Cluster.HelmRepositories.Contains(chart.Split('/')[0])) throw new CommandFailed($"repo {chart.Split('/')[0]} not found");
                if (argv.Contains("--create-namespace")) Cluster.EnsureNamespace(ns);
                Cluster.RequireNamespace(ns);
                Installers.Helm(Cluster, release, chart, ns);
                return;
            default:
                throw new NotSupportedException($"helm {argv[1]} is not modelled");
        }
    }

    /// <summary>`istioctl install` changes the cluster; every other istioctl command reads the control plane it finds.</summary>
    private void Istioctl(List<string> argv, bool readOnly)
    {
        var positional = Positional(argv.Skip(1).ToList());
        if (positional[0] == "install")
        {
            if (readOnly) throw new NotSupportedException("istioctl install inside a loop or a substitution");
            Changed = true;
            var profile = Flag(argv, "--set") is { } set && set.StartsWith("profile=", StringComparison.Ordinal) ? set["profile=".Length..] : "default";
            Installers.Istioctl(Cluster, profile);
            return;
        }

        var istioNamespace = Flag(argv, "--istioNamespace", "-i") ?? "istio-system";
        if (Cluster.Istio?.Namespace != istioNamespace) throw new CommandFailed($"istioctl finds no Istio control plane in namespace {istioNamespace}");
        var ns = Flag(argv, "-n", "--namespace") ?? "default";
        Cluster.RequireNamespace(ns);
        if (positional.FirstOrDefault(p => p.StartsWith("deploy/", StringComparison.Ordinal)) is { } deployment && !Cluster.Exists(ns, "Deployment", deployment[7..]))
        {
            throw new CommandFailed($"{deployment} not found in namespace {ns}");
        }
    }

    private void Az(List<string> argv, bool readOnly)
    {
        var command = string.Join(' ', Positional(argv.Skip(1).ToList()));
        switch (command)
        {
            case "aks show" or "aks mesh get-revisions":
                return;
            case "aks mesh enable" when !readOnly:
                Changed = true;
                Installers.AksMesh(Cluster);
                return;
            case "aks mesh enable-ingress-gateway" when !readOnly:
                Changed = true;
                Installers.AksIngress(Cluster, Flag(argv, "--ingress-gateway-type") ?? "");
                return;
            default:
                throw new NotSupportedException($"az {command} is not modelled");
        }
    }

    private static string Kind(string word) => Kinds.GetValueOrDefault(word) ?? throw new NotSupportedException($"kind {word} is not modelled");

    /// <summary>The value of a flag given as `-n x`, `--namespace x` or `--namespace=x`.</summary>
    private static string? Flag(List<string> args, params string[] names)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--") break;
            foreach (var name in names)
            {
                if (args[i] == name && i + 1 < args.Count) return args[i + 1];
                if (args[i].StartsWith(name + "=", StringComparison.Ordinal)) return args[i][(name.Length + 1)..];
            }
        }

        return null;
    }

    /// <summary>The arguments that are not flags or their values, up to `--`.</summary>
    private static List<string> Positional(List<string> args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Count && args[i] != "--"; i++)
        {
            if (args[i].StartsWith('-') && args[i] != "-")
            {
                if (ValueFlags.Contains(args[i])) i++;
                continue;
            }

            result.Add(args[i]);
        }

        return result;
    }

    /// <summary>Expands words: quotes, `$VAR`, `${VAR}`, `$(…)` (a read, whose output is opaque); unquoted expansions split on blanks.</summary>
    private IEnumerable<string> Words(IEnumerable<string> raws)
    {
        foreach (var raw in raws)
        {
            var expanded = Expand(raw);
            if (raw.Contains('\'') || raw.Contains('"')) yield return expanded;
            else foreach (var field in expanded.Split(' ', StringSplitOptions.RemoveEmptyEntries)) yield return field;
        }
    }

    private string Expand(string raw)
    {
        var result = new StringBuilder();
        var inDouble = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\'' && !inDouble)
            {
                var end = raw.IndexOf('\'', i + 1);
                result.Append(raw, i + 1, end - i - 1);
                i = end;
            }
            else if (c == '"') inDouble = !inDouble;
            else if (c == '\\' && i + 1 < raw.Length) result.Append(raw[++i]);
            else if (c == '$' && i + 1 < raw.Length && raw[i + 1] == '(')
            {
                var end = Balanced(raw, i + 1);
                var inner = raw[(i + 2)..(end - 1)];
                Execute(Parse(inner), readOnly: true);
                result.Append($"<output of {inner}>");
                i = end - 1;
            }
            else if (c == '$' && Variable().Match(raw, i + 1) is { Success: true } variable && variable.Index == i + 1)
            {
                var name = variable.Groups[1].Success ? variable.Groups[1].Value : variable.Groups[2].Value;
                result.Append(Value(name));
                i += variable.Length;
            }
            else result.Append(c);
        }

        return result.ToString();
    }

    /// <summary>A variable's value; one the walkthrough never set is an error (`set -u`), unless it is the operator's own.</summary>
    private string Value(string name) =>
        Variables.TryGetValue(name, out var value) ? value
        : OperatorValues.Contains(name) ? $"your-{name}"
        : throw new CommandFailed($"${name} is not set at this point");

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", RegexOptions.Singleline)]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();
}
