using System.Collections.Concurrent;
using System.Net;
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
public sealed class RetryingProxy(Uri target) : LoopbackProxy(target, Timeout.InfiniteTimeSpan) // Istio sets no route timeout by default
{
    public const int Retries = 2;

    /// <summary>Envoy's default back-off base interval (25 ms), doubled per retry.</summary>
    private static readonly TimeSpan BackOff = TimeSpan.FromMilliseconds(25);

    /// <summary>Every try sent upstream: "METHOD /path" and the status (0: no answer, the connection failed or the caller gave up).</summary>
    public ConcurrentQueue<(string Request, int Status)> Tries { get; } = new();

    /// <summary>How many tries were sent for requests of this method.</summary>
    public int TriesOf(string method) => Tries.Count(t => t.Request.StartsWith(method + " ", StringComparison.Ordinal));

    public static async Task<RetryingProxy> StartAsync(Uri target)
    {
        var proxy = new RetryingProxy(target);
        await proxy.StartAsync();
        return proxy;
    }

    protected override async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = new MemoryStream();
        await request.Body.CopyToAsync(body, context.RequestAborted);
        var name = $"{request.Method} {request.Path}";
        for (var attempt = 0; ; attempt++)
        {
            // The body is buffered so that each try sends it whole.
            using var outgoing = Copy(request, body.Length > 0 ? new ByteArrayContent(body.ToArray()) : null);
            HttpResponseMessage response;
            try
            {
                response = await Forward.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
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

                await AnswerAsync(context, response);
                return;
            }
        }
    }
}
