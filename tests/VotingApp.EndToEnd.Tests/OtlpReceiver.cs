using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// An OTLP/HTTP receiver on loopback: it answers every export with 200 and keeps the bodies posted to
/// /v1/traces (protobuf ExportTraceServiceRequest), so a test sees what a service really exported.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, int port)
    {
        _app = app;
        Endpoint = $"http://127.0.0.1:{port}";
    }

    /// <summary>The value for OTEL_EXPORTER_OTLP_ENDPOINT.</summary>
    public string Endpoint { get; }

    /// <summary>The settings that make a service export its spans here (OTLP over HTTP, a batch every 200 ms).</summary>
    public IReadOnlyDictionary<string, string?> ServiceEnvironment => new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
    };

    public ConcurrentQueue<byte[]> TraceExports { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, port);
        app.MapPost("/v1/traces", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            receiver.TraceExports.Enqueue(body.ToArray());
            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>True when one export holds all of <paramref name="parts"/> (e.g. a service name and a trace id).</summary>
    public bool Received(params byte[][] parts) =>
        TraceExports.Any(export => parts.All(part => export.AsSpan().IndexOf(part) >= 0));

    /// <summary>Every span received so far, read from the protobuf wire format (opentelemetry-proto's trace.proto field numbers).</summary>
    public IReadOnlyList<ExportedSpan> Spans() =>
        [.. TraceExports.SelectMany(export => Fields(export).Where(f => f.Number == 1).SelectMany(resourceSpans =>
        {
            var service = Fields(resourceSpans.Bytes).Where(f => f.Number == 1).SelectMany(resource => Fields(resource.Bytes))
                .Where(attribute => attribute.Number == 1).Select(attribute => Fields(attribute.Bytes).ToList())
                .Where(keyValue => keyValue.Any(f => f.Number == 1 && Encoding.UTF8.GetString(f.Bytes) == "service.name"))
                .Select(keyValue => Encoding.UTF8.GetString(Fields(keyValue.First(f => f.Number == 2).Bytes).First(f => f.Number == 1).Bytes))
                .FirstOrDefault() ?? "";
            return Fields(resourceSpans.Bytes).Where(f => f.Number == 2).SelectMany(scopeSpans => Fields(scopeSpans.Bytes))
                .Where(f => f.Number == 2).Select(span =>
                {
                    var fields = Fields(span.Bytes).ToList();
                    return new ExportedSpan(service, Convert.ToHexStringLower(fields.First(f => f.Number == 1).Bytes),
                        Encoding.UTF8.GetString(fields.First(f => f.Number == 5).Bytes),
                        [.. fields.Where(f => f.Number == 13).Select(link => Convert.ToHexStringLower(Fields(link.Bytes).First(f => f.Number == 1).Bytes))]);
                });
        }))];

    /// <summary>The fields of one protobuf message; a length-delimited field's bytes, other kinds' bytes empty.</summary>
    private static IEnumerable<(int Number, byte[] Bytes)> Fields(byte[] message)
    {
        var at = 0;
        while (at < message.Length)
        {
            var key = Varint(message, ref at);
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0: Varint(message, ref at); yield return (number, []); break;
                case 1: at += 8; yield return (number, []); break;
                case 5: at += 4; yield return (number, []); break;
                case 2:
                    var length = (int)Varint(message, ref at);
                    yield return (number, message[at..(at + length)]);
                    at += length;
                    break;
                default: throw new InvalidDataException($"Wire type {key & 7} at byte {at} is not one OTLP uses.");
            }
        }
    }

    private static ulong Varint(byte[] message, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[at++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80) return value;
        }
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>A span as exported: which service, its trace, its name and the traces it links to.</summary>
public sealed record ExportedSpan(string Service, string TraceId, string Name, IReadOnlyList<string> LinkedTraces);
