using Microsoft.AspNetCore.Http.HttpResults;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.Analytics;

public static partial class AnalyticsApi
{
    /// <summary>GET /analytics: both counts and the results line, in the original sample's JSON shape.</summary>
    public static void MapAnalyticsApi(this WebApplication app) =>
        app.MapGet("/analytics", GetAnalytics).WithName("GetAnalytics");

    private static async Task<Results<Ok<AnalyticsResult>, ProblemHttpResult>> GetAnalytics(HttpContext context,
        StorageClient storage, ResultsWriter results, ServiceIdentity identity, AnalyticsMetrics metrics, ILogger<ResultsWriter> logger,
        CancellationToken cancellationToken)
    {
        var (counts, failure, chain) = await storage.GetCountsAsync(context.Request.Headers[VotingTrack.HeaderName], cancellationToken);
        context.Response.Headers[VersionChain.HeaderName] = VersionChain.Compose(identity.ChainToken, chain);
        if (counts is null)
        {
            LogUnavailable(logger, failure!.Message);
            // The reason (which host, which error) is in the log; the caller gets a plain sentence and the trace id.
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Results unavailable", detail: "The vote counts could not be read; please try again.");
        }

        var (first, second) = (counts.Options[0], counts.Options[1]);
        metrics.Served(results.Label);
        return TypedResults.Ok(new AnalyticsResult(first, second, results.Write(first, second), counts.Store));
    }

    [LoggerMessage(LogLevel.Error, "Cannot compute the results: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
