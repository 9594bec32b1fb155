using System.Collections.Concurrent;
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

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
