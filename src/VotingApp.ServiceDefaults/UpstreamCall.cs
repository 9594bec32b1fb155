using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly.CircuitBreaker;
using Polly.Timeout;
using VotingApp.Contracts;

namespace VotingApp.ServiceDefaults;

/// <summary>Why a call to another voting service brought no answer to use; <see cref="Message"/> names it and says why.</summary>
public sealed record UpstreamFailure(string Service, string Reason)
{
    /// <summary>The status the upstream answered with; null when no answer came.</summary>
    public HttpStatusCode? Status { get; init; }

    /// <summary>The connection was refused, so the request certainly never reached the upstream.</summary>
    public bool NeverSent { get; init; }

    /// <summary>No answer within the client's bound (<see cref="UpstreamHttpClients.TotalTimeout"/>).</summary>
    public bool TimedOut { get; init; }

    /// <summary>The title of the upstream's problem answer (e.g. <see cref="VoteOutcome.NotCounted"/>); null when it sent none.</summary>
    public string? ProblemTitle { get; init; }

    public string Message => $"{Service} is unavailable: {Reason}";
}

/// <summary>What a call came back with: a failure or none, and the x-voting-chain the upstream reported.</summary>
public readonly record struct UpstreamAnswer(UpstreamFailure? Failure, string? Chain);

/// <summary>What a read came back with: its value or the failure, and the x-voting-chain the upstream reported.</summary>
public readonly record struct UpstreamAnswer<T>(T? Value, UpstreamFailure? Failure, string? Chain) where T : class;

/// <summary>Calls to another service: a failed call or answer comes back as an <see cref="UpstreamFailure"/> value for the endpoint to decide on; only the caller's cancellation is thrown.</summary>
public static class UpstreamCall
{
    public static async Task<UpstreamAnswer> SendAsync(this HttpClient http, HttpRequestMessage request, CatalogEntry upstream,
        CancellationToken cancellationToken)
    {
        var (response, failure) = await TrySendAsync(http, request, upstream, cancellationToken);
        using (response)
        {
            return new(failure, VersionChain.ReportedBy(response));
        }
    }

    public static async Task<UpstreamAnswer<T>> SendAsync<T>(this HttpClient http, HttpRequestMessage request, CatalogEntry upstream,
        JsonTypeInfo<T> body, CancellationToken cancellationToken)
        where T : class
    {
        var (response, failure) = await TrySendAsync(http, request, upstream, cancellationToken);
        using (response)
        {
            var chain = VersionChain.ReportedBy(response);
            if (response is null || failure is not null) return new(null, failure, chain);
            try
            {
                // The bodies are a few hundred bytes, already read by SendAsync.
                return await response.Content.ReadFromJsonAsync(body, cancellationToken) is { } value
                    ? new(value, null, chain)
                    : new(null, new(upstream.Name, "it answered with an empty body"), chain);
            }
            catch (JsonException e)
            {
                return new(null, new(upstream.Name, $"its answer could not be read: {e.Message}"), chain);
            }
        }
    }

    /// <summary>Names the call's track (x-voting-track) as <see cref="VotingTrack.ToSend"/> says for this service and the track it serves.</summary>
    public static HttpRequestMessage WithTrack(this HttpRequestMessage request, ServiceIdentity identity, IReadOnlyList<string?> incoming)
    {
        if (VotingTrack.ToSend(identity.Service, identity.Version, incoming) is { } track)
        {
            request.Headers.TryAddWithoutValidation(VotingTrack.HeaderName, track);
        }

        return request;
    }

    private static async Task<(HttpResponseMessage? Response, UpstreamFailure? Failure)> TrySendAsync(HttpClient http,
        HttpRequestMessage request, CatalogEntry upstream, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (IsCallFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            return (null, new(upstream.Name, e.Message) { NeverSent = IsRefused(e), TimedOut = e is TimeoutRejectedException });
        }

        if (response.IsSuccessStatusCode) return (response, null);
        var (reason, title) = await DescribeAsync(response, cancellationToken);
        return (response, new(upstream.Name, reason) { Status = response.StatusCode, ProblemTitle = title });
    }

    /// <summary>The exceptions that a failed call to another service ends in.</summary>
    private static bool IsCallFailure(Exception e) =>
        e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TaskCanceledException;

    /// <summary>The connection was refused: the request never reached the upstream.</summary>
    public static bool IsRefused(Exception? e) =>
        e is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } };

    /// <summary>The status and detail of a problem-details answer (or the status line when there is none), and its title.</summary>
    private static async Task<(string Reason, string? Title)> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync(VotingJsonContext.Default.ProblemAnswer, cancellationToken);
            if (!string.IsNullOrWhiteSpace(problem?.Detail))
            {
                return ($"{(int)response.StatusCode} {problem.Detail}", problem.Title);
            }
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or HttpRequestException)
        {
            // Not a problem-details body: the status is all there is to say.
        }

        return ($"{(int)response.StatusCode} {response.ReasonPhrase}", null);
    }
}
