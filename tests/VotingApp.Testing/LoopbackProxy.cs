using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace VotingApp.Testing;

/// <summary>
/// An HTTP proxy on 127.0.0.1 in front of one target: what the test proxies share (start-up, copying a
/// request on and its answer back, shutdown); each says what it does with a request.
/// </summary>
public abstract class LoopbackProxy : IAsyncDisposable
{
    private WebApplication? _app;

    protected LoopbackProxy(Uri target, TimeSpan? timeout = null)
    {
        Target = target;
        Forward = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        if (timeout is { } limit) Forward.Timeout = limit;
    }

    public int Port { get; } = FreePort.Next();
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");
    protected Uri Target { get; }
    protected HttpClient Forward { get; }

    protected async Task StartAsync() => _app = await LoopbackWebHost.StartAsync(Port, HandleAsync);

    protected abstract Task HandleAsync(HttpContext context);

    /// <summary>The request as it goes on to the target: same method, path, query, headers (but Host) and body.</summary>
    protected HttpRequestMessage Copy(HttpRequest request, HttpContent? body)
    {
        var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(Target, request.Path + request.QueryString)) { Content = body };
        foreach (var (name, value) in request.Headers)
        {
            // The body's framing is HttpClient's to write again.
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) continue;
            if (!outgoing.Headers.TryAddWithoutValidation(name, value.ToArray()))
            {
                outgoing.Content?.Headers.TryAddWithoutValidation(name, value.ToArray());
            }
        }

        if (body is not null && request.ContentLength is { } length) body.Headers.ContentLength = length;
        return outgoing;
    }

    /// <summary>The target's answer, status, headers and body, sent back to the caller.</summary>
    protected static async Task AnswerAsync(HttpContext context, HttpResponseMessage response)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)) continue;
            context.Response.Headers[name] = values.ToArray();
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        Forward.Dispose();
        GC.SuppressFinalize(this);
    }
}
