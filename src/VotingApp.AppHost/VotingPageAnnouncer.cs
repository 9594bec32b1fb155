using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace VotingApp.AppHost;

/// <summary>
/// Prints the voting page's URL once all three services are ready, after loading the page once (which
/// warms up the whole chain, so the first page a person opens is not slowed by a cold start) with its
/// results line. A service still not ready after a while (the configured Redis or MySQL does not answer)
/// gets a warning with the URL first.
/// </summary>
public static partial class VotingPageAnnouncer
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>Starts waiting for the services; returns at once (the announcement runs beside them).</summary>
    public static void Start(LocalRunPlan plan, IReadOnlyList<string> services,
        ResourceNotificationService notifications, ILogger logger, CancellationToken stopping) =>
        _ = AnnounceAsync(plan, services, notifications, logger, stopping);

    private static async Task AnnounceAsync(LocalRunPlan plan, IReadOnlyList<string> services,
        ResourceNotificationService notifications, ILogger logger, CancellationToken stopping)
    {
        try
        {
            // Aspire's own health checks back off to 1, 2, 3, 4, 5 s between tries while a resource is not
            // healthy (src/Aspire.Hosting/Health/ResourceHealthCheckService.cs): they say which service is
            // late, but the announcement asks the app itself, whose readiness includes analytics and storage.
            var healthy = services.Select(name =>
                notifications.WaitForResourceHealthyAsync(name, WaitBehavior.WaitOnResourceUnavailable, stopping)).ToList();
            var appReady = WaitUntilReadyAsync(new Uri(plan.VotingPage, "/health/ready"), stopping);
            if (await Task.WhenAny(appReady, Task.Delay(Patience, stopping)) != appReady)
            {
                var waiting = services.Where((_, index) => !healthy[index].IsCompleted);
                logger.LogWarning(
                    "Voting page: {Url} but {Waiting} not ready after {Seconds:0} s: see its logs in the dashboard ({Chain}).",
                    plan.VotingPage, string.Join(" and ", waiting), Patience.TotalSeconds, plan.Describe());
            }

            await appReady;
            var results = await ReadResultsAsync(plan.VotingPage, stopping);
            // Written as a block of its own rather than a log entry, so that it stands out as the last thing on screen.
            await Console.Out.WriteLineAsync(Announcement(plan, results));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // stopped before that
        }
    }

    public static string Announcement(LocalRunPlan plan, string results)
    {
        var lines = new List<string>
        {
            "",
            $"  Voting page: {plan.VotingPage} ({plan.Describe()}). Results: {results}",
        };
        if (plan.AppEnvironment.TryGetValue("FEATUREFLAG", out var flag) && bool.TryParse(flag, out var shown) && shown)
        {
            lines.Add("  Feature flag: its buttons set and clear the featureflag=on cookie, which Istio routes on. Locally " +
                      $"there is no mesh, so every request still goes to app {plan.AppVersion} (docs/running-locally.md).");
        }

        lines.Add("  Press Ctrl+C to stop everything.");
        lines.Add("");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Asks <paramref name="readiness"/> every 100 ms until it answers 200.</summary>
    private static async Task WaitUntilReadyAsync(Uri readiness, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            try
            {
                using var answer = await client.GetAsync(readiness, cancellationToken);
                if (answer.IsSuccessStatusCode) return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // not listening yet
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>
    /// The page's results line, or what went wrong: one read, since the app is ready only after its own
    /// warm-up reached analytics and storage (/health/ready).
    /// </summary>
    private static async Task<string> ReadResultsAsync(Uri page, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var html = await client.GetStringAsync(page, cancellationToken);
            var match = ResultsLine().Match(html);
            return match.Success ? match.Groups[1].Value : "no results line on the page";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return exception.Message;
        }
    }

    [GeneratedRegex("<div id=\"results\"> (.*) </div>")]
    private static partial Regex ResultsLine();
}
