using System.Diagnostics;
using System.Text;

namespace VotingApp.Containers.Tests;

/// <summary>The result of a command run to its end: exit code, standard output and standard error apart.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, string Error, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    public CommandResult EnsureSuccess() => Succeeded
        ? this
        : throw new InvalidOperationException($"`{Command}` exited {ExitCode} after {Elapsed.TotalSeconds:0.0} s.\n{Output}\n{Error}".TrimEnd());

    public override string ToString() => $"`{Command}` exited {ExitCode}:\n{Output}\n{Error}".TrimEnd();
}

/// <summary>Runs a program (podman, bash) with its arguments and waits for it, with a time limit.</summary>
public static class Command
{
    public static async Task<CommandResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Testing.RepositoryPaths.Root,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        var text = fileName + " " + string.Join(' ', info.ArgumentList);
        var output = new StringBuilder();
        var error = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            process.WaitForExit(); // drains the readers
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return new CommandResult(text, -1, Read(output), Read(error) + $"\n(killed after {timeout.TotalSeconds:0} s)", watch.Elapsed);
        }

        return new CommandResult(text, process.ExitCode, Read(output), Read(error), watch.Elapsed);
    }

    /// <summary>Whether an executable of this name is on the PATH.</summary>
    public static bool IsOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, name)));

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null) return;
        lock (builder)
        {
            builder.AppendLine(line);
        }
    }

    private static string Read(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }
}
