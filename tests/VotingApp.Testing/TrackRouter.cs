using Microsoft.AspNetCore.Http;
using VotingApp.Contracts;

namespace VotingApp.Testing;

/// <summary>
/// What the Gateway API track's mesh routes do in front of storage (gateway-api/): a request whose
/// x-voting-track is 2.0 goes to the 2.0 storage, every other one to the 1.0 storage; so one analytics
/// serves both tracks, and a read shared across tracks would show one track the other's store.
/// </summary>
public sealed class TrackRouter(Uri track1, Uri track2) : LoopbackProxy(track1)
{
    public static async Task<TrackRouter> StartAsync(Uri track1, Uri track2)
    {
        var router = new TrackRouter(track1, track2);
        await router.StartAsync();
        return router;
    }

    protected override async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = request.ContentLength > 0 ? new StreamContent(request.Body) : null;
        using var outgoing = Copy(request, body);
        if (request.Headers[VotingTrack.HeaderName] == "2.0") outgoing.RequestUri = new Uri(track2, request.Path + request.QueryString);
        using var response = await Forward.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead);
        await AnswerAsync(context, response);
    }
}
