using System.Text;
using System.Threading.Channels;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;
using Serilog.Formatting;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// Log lines to standard output off the request thread, in batches: a request only queues its event, and one
/// loop writes what has queued every <see cref="Interval"/>. Serilog.Sinks.Async woke its writer thread for
/// every line, about three context switches per logged vote in each service (bench/notes.md, issue 24).
/// </summary>
public sealed class BatchedConsoleSink : ILogEventSink, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    /// <summary>Lines beyond this many waiting are dropped (as Serilog.Sinks.Async's buffer): a stalled stdout never holds a request.</summary>
    public const int MaxQueued = 10_000;

    // A bounded channel's buffer grows only to what it holds; a ConcurrentQueue's segments keep doubling, to 16 MB each.
    private readonly Channel<LogEvent> _queue = Channel.CreateBounded<LogEvent>(
        new BoundedChannelOptions(MaxQueued) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly ITextFormatter _formatter;
    private readonly TextWriter _output;
    private readonly Lock _writing = new();
    private readonly PeriodicTimer _timer = new(Interval);
    private readonly Task _loop;

    /// <param name="output">Standard output unless given; Console.Out would write (and flush) every 256 characters.</param>
    public BatchedConsoleSink(ITextFormatter formatter, Stream? output = null)
    {
        _formatter = formatter;
        _output = new StreamWriter(output ?? Console.OpenStandardOutput(), new UTF8Encoding(false), 16 * 1024);
        _loop = Task.Run(LoopAsync);
    }

    public void Emit(LogEvent logEvent) => _queue.Writer.TryWrite(logEvent);

    private async Task LoopAsync()
    {
        while (await _timer.WaitForNextTickAsync())
        {
            if (_queue.Reader.Count > 0) Write();
        }
    }

    /// <summary>Everything queued, formatted into the writer's buffer and flushed once (one write to the pipe for up to 16 KiB).</summary>
    private void Write()
    {
        lock (_writing)
        {
            try
            {
                while (_queue.Reader.TryRead(out var logEvent))
                {
                    _formatter.Format(logEvent, _output);
                }

                _output.Flush();
            }
            catch (Exception e)
            {
                SelfLog.WriteLine("Writing log lines failed: {0}", e);
            }
        }
    }

    /// <summary>Stops the loop and writes what is still queued (the host's last lines at shutdown).</summary>
    public void Dispose()
    {
        _timer.Dispose();
        _loop.Wait();
        Write();
    }
}
