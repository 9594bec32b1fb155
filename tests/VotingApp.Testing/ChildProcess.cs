using System.Diagnostics;
using System.Text;

namespace VotingApp.Testing;

/// <summary>
/// A process the tests started, with its output kept (for "the logs name the failure" checks), killed
/// when disposed so that no test leaves a server behind.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
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

    /// <summary>Runs a command to its end and returns its output; throws when it fails.</summary>
    public static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        using var child = Start(fileName, arguments);
        await child.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return child.ExitCode == 0
            ? child.Output
            : throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited {child.ExitCode}: {child.Output}");
    }

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

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

internal static partial class Posix
{
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
