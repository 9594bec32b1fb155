using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// The one way a voting service calls another: the outermost handler of every upstream client, so that
/// each client is a plain HttpClient call. On the way out it names the call's track
/// (<see cref="VotingTrack"/>); on the way back it records the upstream's x-voting-chain for the answer
/// being served (<see cref="VersionChain"/>), and it turns an answer that is not a success, or a call that
/// failed (refused, reset, timed out, circuit open), into an <see cref="UpstreamUnavailableException"/> that
/// names the upstream and says why. It sits outside the resilience pipeline, which sees the raw answers and
/// retries reads on them; a call cancelled by its caller (the visitor left) is not reported as a failure.
/// </summary>
internal sealed class UpstreamCallHandler(VotingService upstream, ServiceIdentity identity, IHttpContextAccessor accessor)
    : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var serving = accessor.HttpContext;
        request.Headers.Remove(VotingTrack.HeaderName);
        if (VotingTrack.ToSend(identity, serving?.Request.Headers[VotingTrack.HeaderName] ?? StringValues.Empty) is { } track)
        {
            request.Headers.TryAddWithoutValidation(VotingTrack.HeaderName, track);
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
            // The bodies are a few hundred bytes: read here, a body that breaks off is a failed call too.
            if (response.IsSuccessStatusCode) await response.Content.LoadIntoBufferAsync(cancellationToken);
        }
        catch (Exception e) when (UpstreamUnavailableException.IsCallFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamUnavailableException(upstream.Name, e.Message, e) { NeverSent = IsRefused(e) };
        }

        if (serving is not null) VersionChain.RecordUpstream(serving, response);
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var (reason, title) = await UpstreamUnavailableException.DescribeAsync(response);
            throw new UpstreamUnavailableException(upstream.Name, reason) { Status = response.StatusCode, ProblemTitle = title };
        }
    }

    /// <summary>The connection was refused: the request never reached the upstream.</summary>
    private static bool IsRefused(Exception e) =>
        e is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } };
}
