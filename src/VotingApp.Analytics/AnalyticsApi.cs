using Microsoft.AspNetCore.Http.HttpResults;
using VotingApp.ServiceDefaults;

namespace VotingApp.Analytics;

public static partial class AnalyticsApi
{
    /// <summary>GET /analytics: both counts and the results line, in the original sample's JSON shape.</summary>
    public static void MapAnalyticsApi(this WebApplication app) =>
        app.MapGet("/analytics", GetAnalytics).WithName("GetAnalytics");

    private static async Task<Results<Ok<AnalyticsResult>, ProblemHttpResult>> GetAnalytics(
        StorageReader storage, ServiceIdentity identity, AnalyticsMetrics metrics, ILogger<ResultsRequest> logger,
        CancellationToken cancellationToken)
    {
        try
        {
            var counts = await storage.GetCountsAsync(cancellationToken);
            var (first, second) = (counts.Options[0], counts.Options[1]);
            var line = identity.Release.Results!.Value; // every analytics version has one (VotingService.Analytics)
            metrics.Served(ResultsText.Kind(line));
            return TypedResults.Ok(new AnalyticsResult(first, second, ResultsText.Format(line, first, second), counts.Store));
        }
        catch (UpstreamUnavailableException e)
        {
            LogUnavailable(logger, e.Message);
            // The reason (which host, which error) is in the log; the caller gets a plain sentence and the trace id.
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Results unavailable", detail: "The vote counts could not be read; please try again.");
        }
    }

    [LoggerMessage(LogLevel.Error, "Cannot compute the results: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}

/// <summary>The log category of GET /analytics (VotingApp.Analytics.ResultsRequest), whose failures it logs.</summary>
public sealed class ResultsRequest;
