using System.Text.RegularExpressions;

namespace VotingApp.Manifests.Tests.Walkthroughs;

/// <summary>How a section of a walkthrough takes part in a run.</summary>
public abstract record SectionUse
{
    /// <summary>On the main path, for every platform (a command may still be marked for one, <see cref="PrintedCommand.Only"/>).</summary>
    public sealed record Run : SectionUse;

    /// <summary>The set-up of one platform: run only there.</summary>
    public sealed record ForPlatform(string Platform) : SectionUse;

    /// <summary>Not run, for the reason given (an illustration, or an alternative to the steps).</summary>
    public sealed record NotRun(string Reason) : SectionUse;

    /// <summary>An optional detour: run only in its own scenario, right after the first command that matches <paramref name="After"/>.</summary>
    public sealed record Excursion(string Name, Regex After) : SectionUse;
}

/// <summary>
/// One walkthrough as a test runs it: its file, the platforms (or mode) it supports, what must have happened
/// before its first command, and what each of its sections is. A section not named here is on the main path.
/// </summary>
public sealed record WalkthroughDefinition(
    string Name,
    string File,
    IReadOnlyList<string> Platforms,
    string? Mode,
    IReadOnlyDictionary<string, SectionUse> Sections,
    IReadOnlyDictionary<string, string> CommandsNotRun,
    IReadOnlySet<string> StepsTables,
    IReadOnlyList<(string Name, string File, string Section, Regex After)> ForeignExcursions)
{
    private const string Istio = "docs/istio-walkthrough.md";
    private const string Flagger = "docs/flagger-walkthrough.md";
    private const string GatewayApi = "docs/gateway-api-walkthrough.md";

    /// <summary>The platform set-up sections of the Istio walkthrough, which the Flagger track starts from.</summary>
    private static readonly Dictionary<string, SectionUse> PlatformSetups = new()
    {
        ["AKS Istio add-on"] = new SectionUse.ForPlatform("aks"),
        ["Upstream Istio, istioctl"] = new SectionUse.ForPlatform("istioctl"),
        ["Upstream Istio, Helm"] = new SectionUse.ForPlatform("helm"),
    };

    private static Regex After(string step) => new($@"istio/{Regex.Escape(step)}(?![\w-])");

    public static WalkthroughDefinition IstioTrack { get; } = new(
        "istio", Istio, ["aks", "istioctl", "helm"], null,
        new Dictionary<string, SectionUse>(PlatformSetups)
        {
            ["Platforms"] = new SectionUse.NotRun("shows the shape of every step's command, before the namespace exists"),
            ["HTTPS at the gateway (optional)"] = new SectionUse.Excursion("https", After("step-1")),
            // "Check it after Istio step 2, from a pod that poses as analytics 1.1".
            ["Security: who may call what"] = new SectionUse.Excursion("probe", After("step-2")),
            ["Managed stores: Azure Cache for Redis and Azure Database for MySQL"] =
                new SectionUse.NotRun("an alternative to the in-cluster stores: needs an Azure subscription, and its commands hold placeholders (<name>, <access key>)"),
            ["Images from a registry"] = new SectionUse.NotRun("steps 1 to 3 at once (kubectl apply -k kubernetes/), instead of the steps"),
        },
        new Dictionary<string, string>(),
        new HashSet<string>(),
        [
            // docs/flagger-walkthrough.md: "For the step-by-step track (after istio/step-3b …)" and "After istio/step-3".
            ("faults", Flagger, "Mesh faults for the cookie users", After("step-3b")),
            ("mirror", Flagger, "Mirror analytics reads to 2.0", After("step-3")),
        ]);

    public static WalkthroughDefinition FlaggerTrack { get; } = new(
        "flagger", Flagger, ["aks", "istioctl", "helm"], null,
        new Dictionary<string, SectionUse>
        {
            ["Mesh faults for the cookie users"] = new SectionUse.NotRun("the step-by-step track's optional step: run within the Istio walkthrough"),
            ["Mirror analytics reads to 2.0"] = new SectionUse.NotRun("the step-by-step track's optional step: run within the Istio walkthrough"),
        },
        new Dictionary<string, string>
        {
            ["kubectl apply -k dashboards/ --namespace monitoring"] =
                "for a Grafana with the dashboard sidecar, which this walkthrough does not install (the next block imports into Istio's sample Grafana)",
        },
        new HashSet<string>(),
        []);

    public static WalkthroughDefinition GatewayApiTrack(string mode) => new(
        $"gateway-api-{mode}", GatewayApi, ["istioctl"], mode,
        new Dictionary<string, SectionUse>(),
        new Dictionary<string, string>(),
        new HashSet<string> { "The steps" },
        []);

    public static IReadOnlyList<WalkthroughDefinition> All { get; } =
        [IstioTrack, GatewayApiTrack("sidecar"), GatewayApiTrack("ambient"), FlaggerTrack];

    public static WalkthroughDefinition Named(string name) => All.Single(d => d.Name == name);

    /// <summary>The excursions a scenario may take: this walkthrough's own and those printed in another.</summary>
    public IEnumerable<string> Excursions =>
        Sections.Values.OfType<SectionUse.Excursion>().Select(e => e.Name).Concat(ForeignExcursions.Select(e => e.Name));

    /// <summary>
    /// What the walkthrough takes as done before its first command. The Flagger track starts "as for the Istio
    /// walkthrough", so it runs that walkthrough's set-up of the platform. The Gateway API track names its
    /// install in a sentence (not a block): the command is taken from that sentence.
    /// </summary>
    public IReadOnlyList<PrintedCommand> Prelude(string platform)
    {
        if (this == FlaggerTrack) return Read(Istio, new HashSet<string>()).Where(c => PlatformSetups.GetValueOrDefault(c.Section) is SectionUse.ForPlatform p && p.Platform == platform).ToList();
        if (Mode is null) return [];
        var install = $"istioctl install --set profile={(Mode == "ambient" ? "ambient" : "default")}";
        var text = System.IO.File.ReadAllText(RepositoryPaths.Combine(File));
        var line = text[..text.IndexOf(install, StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        return [PrintedCommand.Of(File, line, "Before you start", install)];
    }

    /// <summary>The commands one run takes, in order: the prelude, the main path, and the excursion spliced in where it belongs.</summary>
    public IReadOnlyList<PrintedCommand> Commands(string platform, string? excursion = null)
    {
        var variant = (string? only) => only is null || only == platform || only == Mode;
        var main = new List<PrintedCommand>(Prelude(platform));
        var detour = new List<PrintedCommand>();
        Regex? after = null;
        foreach (var command in Read(File, StepsTables).Where(c => variant(c.Only)))
        {
            if (CommandsNotRun.Keys.Any(k => command.Text.Contains(k, StringComparison.Ordinal))) continue;
            switch (Sections.GetValueOrDefault(command.Section) ?? new SectionUse.Run())
            {
                case SectionUse.Run:
                case SectionUse.ForPlatform p when p.Platform == platform:
                    main.Add(command);
                    break;
                case SectionUse.Excursion e when e.Name == excursion:
                    detour.Add(command);
                    after = e.After;
                    break;
            }
        }

        foreach (var foreign in ForeignExcursions.Where(f => f.Name == excursion))
        {
            detour.AddRange(Read(foreign.File, new HashSet<string>()).Where(c => c.Section == foreign.Section && variant(c.Only)));
            after = foreign.After;
        }

        if (excursion is null) return main;
        if (after is null || detour.Count == 0) throw new InvalidOperationException($"{Name} has no excursion {excursion} with commands");
        var at = main.FindIndex(c => after.IsMatch(c.Text));
        if (at < 0) throw new InvalidOperationException($"{Name}: no command matches {after} to put excursion {excursion} after");
        main.InsertRange(at + 1, detour);
        return main;
    }

    private static IReadOnlyList<PrintedCommand> Read(string file, IReadOnlySet<string> stepsTables) => MarkdownCommands.Read(file, stepsTables);

    public override string ToString() => Name;
}
