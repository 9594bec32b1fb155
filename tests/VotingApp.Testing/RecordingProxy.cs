using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace VotingApp.Testing;

/// <summary>
/// A pass-through HTTP proxy in front of a real service: it forwards every request unchanged and keeps the
/// headers each one arrived with, so a test can see what a service really received. With
/// <see cref="AnswerWith"/> set it records and answers that status itself instead (an upstream that fails
/// every call), so a test counts how often a caller tried.
/// </summary>
public sealed class RecordingProxy : IAsyncDisposable
{
    private WebApplication _app = null!;
    private readonly HttpClient _forward = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    public int Port { get; private init; }
    public ConcurrentQueue<(string Method, string Path, IReadOnlyDictionary<string, string> Headers)> Requests { get; } = new();

    /// <summary>When set, every request is answered with this status and not forwarded.</summary>
    public int? AnswerWith { get; set; }

    /// <summary>When set, every request is forwarded and its answer replaced by this status (an answer lost on the way back).</summary>
    public int? LoseAnswersWith { get; set; }

    /// <summary>The requests that carried this x-request-id, as "METHOD /path".</summary>
    public IReadOnlyList<string> With(string requestId) =>
        Requests.Where(r => r.Headers.TryGetValue("x-request-id", out var id) && id == requestId)
            .Select(r => $"{r.Method} {r.Path}").ToList();

    public static async Task<RecordingProxy> StartAsync(Uri target)
    {
        var proxy = new RecordingProxy { Port = FreePort.Next() };
        proxy._app = await LoopbackWebHost.StartAsync(proxy.Port, proxy.ForwardAsync(target));
        return proxy;
    }

    private RequestDelegate ForwardAsync(Uri target) => async context =>
    {
        var request = context.Request;
        Requests.Enqueue((request.Method, request.Path, request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
        if (AnswerWith is { } status)
        {
            context.Response.StatusCode = status;
            return;
        }

        using var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(target, request.Path + request.QueryString));
        if (request.ContentLength > 0 || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            outgoing.Content = new StreamContent(request.Body);
        }

        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)) continue;
            if (!outgoing.Headers.TryAddWithoutValidation(name, value.ToArray()))
            {
                outgoing.Content?.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        using var response = await _forward.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead);
        if (LoseAnswersWith is { } lost)
        {
            context.Response.StatusCode = lost;
            return;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) continue;
            context.Response.Headers[name] = values.ToArray();
        }

        await response.Content.CopyToAsync(context.Response.Body);
    };

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _forward.Dispose();
    }
}
