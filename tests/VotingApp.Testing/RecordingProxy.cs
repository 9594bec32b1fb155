using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace VotingApp.Testing;

/// <summary>
/// A pass-through HTTP proxy in front of a real service: it forwards every request unchanged and keeps the
/// headers each one arrived with, so a test can see what a service really received (after <see cref="Delay"/>). With
/// <see cref="AnswerWith"/> set it records and answers that status itself instead (an upstream that fails
/// every call), so a test counts how often a caller tried; <see cref="LoseAnswersWith"/> and
/// <see cref="LosesFirstAnswerTo"/> lose answers after the request went through.
/// </summary>
public sealed class RecordingProxy(Uri target) : LoopbackProxy(target)
{
    public ConcurrentQueue<(string Method, string Path, IReadOnlyDictionary<string, string> Headers)> Requests { get; } = new();

    /// <summary>When set, every request is answered with this status and not forwarded.</summary>
    public int? AnswerWith { get; set; }

    /// <summary>When set, every request is forwarded and its answer replaced by this status (an answer lost on the way back).</summary>
    public int? LoseAnswersWith { get; set; }

    /// <summary>How long each request waits before it is forwarded (a slow hop, so that callers pile up behind it).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>
    /// When set, the first answer to each distinct body sent to this path is lost on the way back: the request is
    /// forwarded and answered 503, as Envoy answers an upstream reset; the same body sent again is answered.
    /// </summary>
    public string? LosesFirstAnswerTo { get; set; }

    private readonly ConcurrentDictionary<string, bool> _bodiesSeen = new();

    /// <summary>The requests that carried this x-request-id, as "METHOD /path".</summary>
    public IReadOnlyList<string> With(string requestId) =>
        Requests.Where(r => r.Headers.TryGetValue("x-request-id", out var id) && id == requestId)
            .Select(r => $"{r.Method} {r.Path}").ToList();

    public static async Task<RecordingProxy> StartAsync(Uri target)
    {
        var proxy = new RecordingProxy(target);
        await proxy.StartAsync();
        return proxy;
    }

    protected override async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        Requests.Enqueue((request.Method, request.Path, request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
        if (AnswerWith is { } status)
        {
            context.Response.StatusCode = status;
            return;
        }

        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, context.RequestAborted);
        HttpContent? body = request.ContentLength > 0 || request.Headers.ContainsKey("Transfer-Encoding") ? new StreamContent(request.Body) : null;
        var loseThisAnswer = false;
        if (LosesFirstAnswerTo == request.Path)
        {
            var bytes = new MemoryStream();
            await request.Body.CopyToAsync(bytes, context.RequestAborted);
            loseThisAnswer = _bodiesSeen.TryAdd(Convert.ToBase64String(bytes.ToArray()), true);
            body = new ByteArrayContent(bytes.ToArray());
        }

        using var outgoing = Copy(request, body);
        using var response = await Forward.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead);
        if (LoseAnswersWith is { } lost || loseThisAnswer)
        {
            context.Response.StatusCode = LoseAnswersWith ?? StatusCodes.Status503ServiceUnavailable;
            return;
        }

        await AnswerAsync(context, response);
    }
}
