using VotingApp.Contracts;
using Xunit;

namespace VotingApp.Testing;

/// <summary>
/// One voting service running as its own process on a real Kestrel port, as it runs in its container:
/// configured only through environment variables. The Native AOT executable that the images ship when
/// VOTING_AOT_DIR names where it is published (scripts/test.sh does), else dotnet VotingApp.X.dll.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly Dictionary<string, string> Projects = new()
    {
        [ServiceCatalog.App.Name] = "VotingApp.App",
        [ServiceCatalog.Analytics.Name] = "VotingApp.Analytics",
        [ServiceCatalog.Storage.Name] = "VotingApp.Storage",
    };

    /// <summary>The project (and assembly) name of a service, e.g. "VotingApp.Storage".</summary>
    public static string ProjectOf(CatalogEntry service) => Projects[service.Name];

    private readonly Dictionary<string, string?> _environment;
    private ChildProcess? _process;
    private string _previousOutput = "";

    private ServiceProcess(CatalogEntry service, string version, IReadOnlyDictionary<string, string?> environment, int? port)
    {
        Service = service;
        Version = version;
        Port = port ?? FreePort.Next();
        _environment = new Dictionary<string, string?>(environment)
        {
            ["VOTING_VERSION"] = version,
            ["ASPNETCORE_HTTP_PORTS"] = Port.ToString(),
            ["ASPNETCORE_URLS"] = null,
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_RUNNING_IN_CONTAINER"] = null,
        };
    }

    public CatalogEntry Service { get; }
    public string Version { get; }
    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Everything the service wrote, across restarts.</summary>
    public string Output => _previousOutput + (_process?.Output ?? "");

    /// <summary>
    /// Starts the service with one setting changed and checks that it stops at once (exit code 2) with the
    /// configuration-error line and a message that names the setting, as an operator sees in `kubectl logs`.
    /// </summary>
    public static async Task AssertRefusesToStartAsync(CatalogEntry service, string version, string key, string value, string expected)
    {
        await using var process = await StartAsync(service, version,
            new Dictionary<string, string?> { [key] = value }, waitUntilLive: false);
        Assert.Equal(2, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        await process.AssertLoggedAsync($"{service.Name}: configuration error: ");
        Assert.Contains(expected, process.Output);
    }

    /// <summary>
    /// `dotnet run --project src/VotingApp.X`, as a developer runs one service by hand (its launch profile and
    /// appsettings.Local.json), with these settings in its environment; run to its end, killed after a minute.
    /// </summary>
    public static Task<CommandResult> RunByHandAsync(CatalogEntry service, IReadOnlyDictionary<string, string?> environment) =>
        ChildProcess.RunAsync("dotnet",
            ["run", "--project", RepositoryPaths.Combine("src", ProjectOf(service)), "--no-build", "--configuration", RepositoryPaths.Configuration],
            TimeSpan.FromMinutes(1),
            new Dictionary<string, string?>(environment) { ["ASPNETCORE_URLS"] = null, ["DOTNET_RUNNING_IN_CONTAINER"] = null });

    /// <summary>
    /// Waits until the service has logged <paramref name="text"/> (its logs are written asynchronously,
    /// so a line may appear a moment after the response) and fails with the whole log when it does not.
    /// </summary>
    public async Task AssertLoggedAsync(string text, TimeSpan? timeout = null, StringComparison comparison = StringComparison.Ordinal)
    {
        await Eventually.UntilAsync($"{Service.Name} {Version} to log \"{text}\"", () => Output.Contains(text, comparison),
            timeout ?? TimeSpan.FromSeconds(5), () => $"Its log:\n{Output}", TimeSpan.FromMilliseconds(50));
    }

    public bool HasExited => _process?.HasExited ?? true;

    /// <summary>Starts a service on <paramref name="port"/> (default: a free one).</summary>
    public static async Task<ServiceProcess> StartAsync(CatalogEntry service, string version,
        IReadOnlyDictionary<string, string?>? environment = null, bool waitUntilLive = true, int? port = null)
    {
        var process = new ServiceProcess(service, version, environment ?? new Dictionary<string, string?>(), port);
        await process.StartAsync(waitUntilLive);
        return process;
    }

    /// <summary>A client that does not follow redirects, so a test sees the 303 itself.</summary>
    public HttpClient CreateClient(TimeSpan? timeout = null) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = BaseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        };

    /// <summary>The program and arguments this service runs as: its Native AOT executable, or dotnet and its dll.</summary>
    public static (string Program, string[] Arguments) CommandOf(CatalogEntry service)
    {
        var project = Projects[service.Name];
        if (RepositoryPaths.NativeServicesFolder is { } native)
        {
            return (RepositoryPaths.NativeService(native, project), []);
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return (dotnet, [RepositoryPaths.ServiceDll(project)]);
    }

    /// <summary>The operating system's id of the running process (for /proc checks).</summary>
    public int? ProcessId => _process?.Id;

    public async Task StartAsync(bool waitUntilLive = true)
    {
        var (program, arguments) = CommandOf(Service);
        _process = ChildProcess.Start(program, arguments, _environment);
        if (waitUntilLive)
        {
            await WaitUntilLiveAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Waits until the process exits by itself (e.g. a configuration error) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException("not started");
        return await process.WaitForExitAsync(timeout)
            ? process.ExitCode
            : throw new TimeoutException($"{Service.Name} still runs after {timeout.TotalSeconds:0} s. Output:\n{Output}");
    }

    public Task WaitUntilLiveAsync(TimeSpan timeout) => WaitForHealthAsync("/health/live", "live", timeout);

    /// <summary>Until /health/ready answers 200: for a caller, its start-up warm-up calls are over.</summary>
    public Task WaitUntilReadyAsync(TimeSpan timeout) => WaitForHealthAsync("/health/ready", "ready", timeout);

    private async Task WaitForHealthAsync(string path, string state, TimeSpan timeout)
    {
        using var client = CreateClient(TimeSpan.FromSeconds(2));
        await Eventually.UntilAsync($"{Service.Name} {Version} to be {state}", async () =>
        {
            if (_process is { HasExited: true })
            {
                throw new InvalidOperationException($"{Service.Name} {Version} exited with {_process.ExitCode}:\n{Output}");
            }

            using var response = await client.GetAsync(path);
            return response.IsSuccessStatusCode;
        }, timeout, () => Output, Eventually.WhileConnecting);
    }

    /// <summary>SIGSTOP, a pause, SIGCONT: the service hangs and then goes on where it stopped.</summary>
    public Task HangAsync(TimeSpan duration) => (_process ?? throw new InvalidOperationException("not started")).HangAsync(duration);

    /// <summary>kill -9: no graceful shutdown, no flushing.</summary>
    public void Kill()
    {
        if (_process is null) return;
        _process.Kill();
        _previousOutput += _process.Output;
        _process.Dispose();
        _process = null;
    }

    /// <summary>SIGTERM; returns whether it stopped within the timeout.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (_process is null) return true;
        var stopped = await _process.TerminateAsync(timeout);
        _previousOutput += _process.Output;
        _process.Dispose();
        _process = null;
        return stopped;
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.CompletedTask;
    }
}
