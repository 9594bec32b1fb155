using System.Diagnostics;
using System.Net;
using System.Text.Json;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Containers.Tests;

/// <summary>
/// The containers one test starts with podman, each a voting service on the host's network
/// (--network=host) on its own free loopback port, with a read-only root file system and /tmp as the only
/// writable place. Disposing removes every one of them, also when a check failed.
/// </summary>
public sealed class ContainerSet : IAsyncDisposable
{
    public const string TestLabel = "votingapp.test";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private readonly List<string> _names = [];

    public IReadOnlyList<string> Names => _names;

    public static Task<CommandResult> PodmanAsync(params string[] arguments) =>
        ChildProcess.RunAsync("podman", arguments, CommandTimeout);

    /// <summary>Starts one service from its image and waits until /health/live answers.</summary>
    public async Task<ServiceContainer> StartAsync(CatalogEntry service, string version,
        IReadOnlyDictionary<string, string> environment, int? port = null)
    {
        var hostPort = port ?? FreePort.Next();
        var name = $"votingtest-{RunId.Value}-{service.ShortName}-{version.Replace('.', '-')}-{hostPort}";
        _names.Add(name); // before it exists: a half-started container is removed too
        List<string> arguments =
        [
            "run", "--detach", "--name", name, "--label", $"{TestLabel}={RunId.Label}",
            "--network=host",
            // Read-only root file system with only /tmp writable, as in Kubernetes (podman would otherwise
            // also mount /run and /var/tmp writable).
            "--read-only", "--read-only-tmpfs=false", "--tmpfs", "/tmp",
            // The write probe (not part of the image), so that a test can try writing inside the container.
            "--volume", $"{await WriteProbe.FolderAsync()}:{WriteProbe.MountPoint}:ro",
            "--env", $"ASPNETCORE_HTTP_PORTS={hostPort}",
        ];
        foreach (var (key, value) in environment)
        {
            arguments.AddRange(["--env", $"{key}={value}"]);
        }

        arguments.Add($"{service.Name}:{version}");
        (await ChildProcess.RunAsync("podman", arguments, CommandTimeout)).EnsureSuccess();
        var container = new ServiceContainer(name, service, version, hostPort);
        await container.WaitUntilAsync("/health/live", TimeSpan.FromSeconds(60));
        return container;
    }

    public async ValueTask DisposeAsync()
    {
        if (_names.Count == 0) return;
        await PodmanAsync(["rm", "--force", "--time", "0", .. _names]);
        _names.Clear();
    }
}

/// <summary>One running service container and what the tests ask of it.</summary>
public sealed class ServiceContainer(string name, CatalogEntry service, string version, int port)
{
    public string Name { get; } = name;
    public CatalogEntry Service { get; } = service;
    public string Version { get; } = version;
    public int Port { get; } = port;
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public override string ToString() => $"{Service.Name}:{Version} ({Name})";

    /// <summary>A client that does not follow redirects, so that a test sees the 303 of a vote.</summary>
    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(10),
        };

    public async Task<string> LogsAsync() => (await ContainerSet.PodmanAsync("logs", Name)) is var logs ? logs.Output + logs.Error : "";

    public async Task<string> InspectAsync(string format) =>
        (await ContainerSet.PodmanAsync("inspect", "--format", format, Name)).EnsureSuccess().Output.Trim();

    /// <summary>Polls a path until it answers 200; fails with the container's logs when it exits or times out.</summary>
    public async Task WaitUntilAsync(string path, TimeSpan timeout)
    {
        using var client = CreateClient();
        client.Timeout = TimeSpan.FromSeconds(2);
        try
        {
            await Eventually.UntilAsync($"{this}: {path} to answer 200", async () =>
            {
                try
                {
                    using var response = await client.GetAsync(path);
                    if (response.StatusCode == HttpStatusCode.OK) return true;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }

                if (await InspectAsync("{{.State.Running}}") != "true")
                {
                    throw new InvalidOperationException($"{this} exited ({await InspectAsync("{{.State.ExitCode}}")}) before {path} answered:\n{await LogsAsync()}");
                }

                return false;
            }, timeout, interval: TimeSpan.FromMilliseconds(200));
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new TimeoutException($"{e.Message}\n{await LogsAsync()}", e);
        }
    }

    /// <summary>Each folder of the container with the errno of a file created in it (0: written), as root.</summary>
    public async Task<IReadOnlyList<(string Folder, int Errno)>> TryWritingEverywhereAsync()
    {
        var probe = (await ContainerSet.PodmanAsync("exec", "--user", "0", Name, WriteProbe.Program)).EnsureSuccess();
        return probe.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2))
            .Select(parts => (parts[1], int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }

    /// <summary>The user id the service's main process runs as, read from the host's /proc.</summary>
    public async Task<int> ProcessUserIdAsync()
    {
        var pid = await InspectAsync("{{.State.Pid}}");
        var status = await File.ReadAllLinesAsync($"/proc/{pid}/status");
        var uid = status.Single(line => line.StartsWith("Uid:", StringComparison.Ordinal));
        return int.Parse(uid.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>GET /version, as {"service":..,"version":..,"host":..}.</summary>
    public async Task<(string Service, string Version)> VersionAsync()
    {
        using var client = CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("/version"));
        return (document.RootElement.GetProperty("service").GetString() ?? "", document.RootElement.GetProperty("version").GetString() ?? "");
    }

    /// <summary>podman stop: SIGTERM, then SIGKILL after <paramref name="grace"/>. Returns the exit code and the time it took.</summary>
    public async Task<(int ExitCode, TimeSpan Elapsed)> StopAsync(TimeSpan grace)
    {
        var watch = Stopwatch.StartNew();
        (await ContainerSet.PodmanAsync("stop", "--time", ((int)grace.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), Name)).EnsureSuccess();
        var elapsed = watch.Elapsed;
        return (int.Parse(await InspectAsync("{{.State.ExitCode}}"), System.Globalization.CultureInfo.InvariantCulture), elapsed);
    }
}
