using System.Net.Http.Json;
using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace VotingApp.ServiceDefaults;

/// <summary>Another voting service could not answer; the message says which one and why.</summary>
public sealed class UpstreamUnavailableException(string service, string reason, Exception? inner = null)
    : Exception($"{service} is unavailable: {reason}", inner)
{
    public string Service { get; } = service;

    /// <summary>Why, without the service's name: the status and detail of its answer, or the call's failure.</summary>
    public string Reason { get; } = reason;

    /// <summary>The status the upstream answered with; null when no answer came.</summary>
    public HttpStatusCode? Status { get; init; }

    /// <summary>The connection was refused, so the request certainly never reached the upstream.</summary>
    public bool NeverSent { get; init; }

    /// <summary>The title of the upstream's problem answer (e.g. <see cref="VoteOutcome.NotCounted"/>); null when it sent none.</summary>
    public string? ProblemTitle { get; init; }

    /// <summary>True for the exceptions that a failed call to another service ends in.</summary>
    internal static bool IsCallFailure(Exception e) =>
        e is HttpRequestException or TimeoutRejectedException or BrokenCircuitException or TaskCanceledException;

    /// <summary>The status and detail of a problem-details answer (or the status line when there is none), and its title.</summary>
    internal static async Task<(string Reason, string? Title)> DescribeAsync(HttpResponseMessage response)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync(VotingJsonContext.Default.ProblemDetails);
            if (!string.IsNullOrWhiteSpace(problem?.Detail))
            {
                return ($"{(int)response.StatusCode} {problem.Detail}", problem.Title);
            }
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or HttpRequestException)
        {
            // Not a problem-details body: the status is all there is to say.
        }

        return ($"{(int)response.StatusCode} {response.ReasonPhrase}", null);
    }
}
