using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace VotingApp.Testing;

/// <summary>
/// A proxy that retries as an Istio sidecar or gateway does when no route sets `retries`: Istio's default
/// policy (pilot/pkg/networking/core/route/retry/retry.go) is 2 retries on connect-failure, refused-stream and
/// retriable-status-codes, with 503 among those codes before Istio 1.24 (releasenotes/notes/50506.yaml
/// excluded it since). This proxy takes the stricter, older policy and adds resets: a request is sent again,
/// up to twice, when the answer is 503 or the connection fails or breaks before an answer. The body is
/// buffered so that each try sends it whole, as Envoy's retry buffer does; retrying stops when the caller
/// goes away (Envoy resets the upstream stream then). Every try is recorded.
/// </summary>
public sealed class RetryingProxy : IAsyncDisposable
{
    public const int Retries = 2;

    /// <summary>Envoy's default back-off base interval (25 ms), doubled per retry.</summary>
    private static readonly TimeSpan BackOff = TimeSpan.FromMilliseconds(25);

    private WebApplication _app = null!;
    private readonly HttpClient _forward = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
        Timeout = Timeout.InfiniteTimeSpan, // Istio sets no route timeout by default
    };

    public int Port { get; private init; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>Every try sent upstream: "METHOD /path" and the status (0: no answer, the connection failed or the caller gave up).</summary>
    public ConcurrentQueue<(string Request, int Status)> Tries { get; } = new();

    /// <summary>How many tries were sent for requests of this method.</summary>
    public int TriesOf(string method) => Tries.Count(t => t.Request.StartsWith(method + " ", StringComparison.Ordinal));

    public static async Task<RetryingProxy> StartAsync(Uri target)
    {
        var proxy = new RetryingProxy { Port = FreePort.Next() };
        proxy._app = await LoopbackWebHost.StartAsync(proxy.Port, proxy.ForwardAsync(target));
        return proxy;
    }

    private RequestDelegate ForwardAsync(Uri target) => async context =>
    {
        var request = context.Request;
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var name = $"{request.Method} {request.Path}";
        for (var attempt = 0; ; attempt++)
        {
            using var outgoing = Copy(request, body.ToArray(), new Uri(target, request.Path + request.QueryString));
            HttpResponseMessage response;
            try
            {
                response = await _forward.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            }
            catch (HttpRequestException) when (attempt < Retries && !context.RequestAborted.IsCancellationRequested)
            {
                Tries.Enqueue((name, 0));
                await Task.Delay(BackOff * (1 << attempt), context.RequestAborted);
                continue;
            }
            catch (HttpRequestException)
            {
                Tries.Enqueue((name, 0));
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable; // Envoy's "upstream connect error"
                return;
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                Tries.Enqueue((name, 0)); // the caller gave up first: this try is cancelled, and no other is sent
                return;
            }

            using (response)
            {
                Tries.Enqueue((name, (int)response.StatusCode));
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < Retries)
                {
                    await Task.Delay(BackOff * (1 << attempt), context.RequestAborted);
                    continue;
                }

                context.Response.StatusCode = (int)response.StatusCode;
                foreach (var (header, values) in response.Headers.Concat(response.Content.Headers))
                {
                    if (header.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) continue;
                    context.Response.Headers[header] = values.ToArray();
                }

                await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
                return;
            }
        }
    };

    private static HttpRequestMessage Copy(HttpRequest request, byte[] body, Uri target)
    {
        var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), target);
        if (body.Length > 0) outgoing.Content = new ByteArrayContent(body);
        foreach (var (name, value) in request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            if (!outgoing.Headers.TryAddWithoutValidation(name, value.ToArray()))
            {
                outgoing.Content?.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        return outgoing;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _forward.Dispose();
    }
}
