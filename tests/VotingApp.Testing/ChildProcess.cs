using System.Diagnostics;
using System.Text;

namespace VotingApp.Testing;

/// <summary>The result of a command run to its end: exit code, standard output and standard error apart.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    public CommandResult EnsureSuccess() => Succeeded
        ? this
        : throw new InvalidOperationException($"`{Command}` exited {ExitCode} after {Elapsed.TotalSeconds:0.0} s.\n{Output}\n{Error}".TrimEnd());

    public override string ToString() => $"`{Command}` exited {ExitCode}:\n{Output}\n{Error}".TrimEnd();
}

/// <summary>
/// A process the tests started (a server, a service, a tool such as podman or kubectl), with its output
/// kept (for "the logs name the failure" checks), killed when disposed so that no test leaves one behind.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _standardOutput = new();
    private readonly StringBuilder _standardError = new();

    private ChildProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data, _standardOutput);
        process.ErrorDataReceived += (_, e) => Append(e.Data, _standardError);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Standard output and standard error, interleaved as they came.</summary>
    public string Output => Read(_output);

    public string StandardOutput => Read(_standardOutput);
    public string StandardError => Read(_standardError);

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}");
        return new ChildProcess(process);
    }

    /// <summary>
    /// Runs a command to its end, in the repository root unless told otherwise (the build script and podman
    /// take paths relative to it); killed after <paramref name="timeout"/>, two minutes unless given.
    /// </summary>
    public static async Task<CommandResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var limit = timeout ?? TimeSpan.FromMinutes(2);
        var watch = Stopwatch.StartNew();
        using var child = Start(fileName, arguments, environment, workingDirectory ?? RepositoryPaths.Root);
        var text = fileName + " " + string.Join(' ', child._process.StartInfo.ArgumentList);
        if (!await child.WaitForExitAsync(limit))
        {
            child.Kill();
            return new CommandResult(text, -1, child.StandardOutput, child.StandardError + $"\n(killed after {limit.TotalSeconds:0} s)", watch.Elapsed);
        }

        return new CommandResult(text, child.ExitCode, child.StandardOutput, child.StandardError, watch.Elapsed);
    }

    /// <summary>Whether an executable of this name is on the PATH.</summary>
    public static bool IsOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, name)));

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            _process.WaitForExit(); // drains the output readers
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, as Kubernetes sends it; returns whether the process ended within the timeout.</summary>
    public async Task<bool> TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return true;
        Posix.Signal(_process.Id, Posix.SIGTERM);
        return await WaitForExitAsync(timeout);
    }

    /// <summary>
    /// Ctrl+C in a terminal: SIGINT to the process group this process leads (started through <c>setsid</c>),
    /// so that every process of the group gets it, as from a terminal; returns whether it ended within the timeout.
    /// </summary>
    public async Task<bool> InterruptGroupAsync(TimeSpan timeout)
    {
        if (_process.HasExited) return true;
        Posix.Signal(-_process.Id, Posix.SIGINT);
        return await WaitForExitAsync(timeout);
    }

    /// <summary>
    /// SIGSTOP for <paramref name="duration"/>, then SIGCONT: the process hangs, as on a node that froze (a VM
    /// paused, a swap storm), with its sockets open: connections are accepted by the kernel and never answered.
    /// </summary>
    public async Task HangAsync(TimeSpan duration)
    {
        Posix.Signal(_process.Id, Posix.SIGSTOP);
        try
        {
            await Task.Delay(duration);
        }
        finally
        {
            Posix.Signal(_process.Id, Posix.SIGCONT);
        }
    }

    /// <summary>SIGKILL: the process gets no chance to clean up.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Append(string? line, StringBuilder stream)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            stream.AppendLine(line);
        }
    }

    private string Read(StringBuilder builder)
    {
        lock (_output)
        {
            return builder.ToString();
        }
    }
}

internal static partial class Posix
{
    public const int SIGINT = 2;
    public const int SIGTERM = 15;
    public const int SIGCONT = 18;
    public const int SIGSTOP = 19;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    public static void Signal(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed");
        }
    }
}
