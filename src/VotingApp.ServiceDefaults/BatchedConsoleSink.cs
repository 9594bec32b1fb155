using System.Collections.Concurrent;
using System.Text;
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
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>Lines beyond this many waiting are dropped (as Serilog.Sinks.Async's buffer): a stalled stdout never holds a request.</summary>
    public const int MaxQueued = 10_000;

    private readonly ConcurrentQueue<LogEvent> _queue = new();
    private readonly ITextFormatter _formatter;
    private readonly TextWriter _output;
    private readonly Lock _writing = new();
    private readonly PeriodicTimer _timer = new(Interval);
    private readonly Task _loop;
    private int _queued;

    /// <param name="output">Standard output unless given; Console.Out would write (and flush) every 256 characters.</param>
    public BatchedConsoleSink(ITextFormatter formatter, Stream? output = null)
    {
        _formatter = formatter;
        _output = new StreamWriter(output ?? Console.OpenStandardOutput(), new UTF8Encoding(false), 16 * 1024);
        _loop = Task.Run(LoopAsync);
    }

    public void Emit(LogEvent logEvent)
    {
        if (Interlocked.Increment(ref _queued) > MaxQueued)
        {
            Interlocked.Decrement(ref _queued);
            return;
        }

        _queue.Enqueue(logEvent);
    }

    private async Task LoopAsync()
    {
        while (await _timer.WaitForNextTickAsync())
        {
            if (!_queue.IsEmpty) Write();
        }
    }

    /// <summary>Everything queued, formatted into the writer's buffer and flushed once (one write to the pipe for up to 16 KiB).</summary>
    private void Write()
    {
        lock (_writing)
        {
            try
            {
                while (_queue.TryDequeue(out var logEvent))
                {
                    Interlocked.Decrement(ref _queued);
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
