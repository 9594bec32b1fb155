using System.IO.Pipes;
using Serilog;
using Serilog.Formatting.Display;
using VotingApp.ServiceDefaults;
using VotingApp.Testing;

namespace VotingApp.App.Tests;

/// <summary>The services' log writer: a line is written while the service runs, and every line, in order, by the time it stops.</summary>
public class BatchedConsoleSinkTests
{
    private static readonly MessageTemplateTextFormatter Lines = new("{Level:u3} {Message:lj}{NewLine}");

    [Fact]
    public async Task A_line_is_written_while_the_logger_runs_without_waiting_for_more()
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        using var reader = new StreamReader(new AnonymousPipeClientStream(PipeDirection.In, pipe.ClientSafePipeHandle));
        using var logger = new LoggerConfiguration().WriteTo.Sink(new BatchedConsoleSink(Lines, pipe)).CreateLogger();

        logger.Information("Vote for {Option} counted", "Cats");

        // Read from the pipe with the logger still open: the batch loop wrote it, not the disposal.
        using var bound = new CancellationTokenSource(LoadedMachine.Slack);
        Assert.Equal("INF Vote for Cats counted", await reader.ReadLineAsync(bound.Token));
    }

    [Fact]
    public void Every_line_is_written_in_order_by_the_time_the_logger_is_disposed()
    {
        var output = new MemoryStream();
        using (var logger = new LoggerConfiguration().WriteTo.Sink(new BatchedConsoleSink(Lines, output)).CreateLogger())
        {
            for (var i = 0; i < 2000; i++) logger.Warning("line {Number}", i);
        }

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Enumerable.Range(0, 2000).Select(i => $"WRN line {i}"), lines);
    }
}
