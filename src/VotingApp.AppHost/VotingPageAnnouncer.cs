using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VotingApp.AppHost;

/// <summary>
/// Prints the voting page's URL once, when all three services are ready: it first loads the page (which
/// also warms up the whole chain, so the first page a person opens is not slowed by a cold start) and
/// prints its results line. If a service is still not ready after a while (e.g. the configured Redis or
/// MySQL does not answer), it prints the URL early and names what is not ready.
/// </summary>
public sealed partial class VotingPageAnnouncer(LocalRunPlan plan, IReadOnlyCollection<string> services)
{
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private CancellationToken _stopping;

    private readonly HashSet<string> _ready = [];
    private readonly Lock _lock = new();
    private int _announced;

    public TimeSpan Patience { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Call once the services were started: announces anyway when they are not all ready in time.</summary>
    public void Started(IServiceProvider host)
    {
        _logger = host.GetRequiredService<ILoggerFactory>().CreateLogger("VotingApp.AppHost");
        _stopping = host.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        _ = Task.Run(WaitPatientlyAsync, _stopping);
    }

    /// <summary>Call when the resource <paramref name="name"/> is ready (its /health/ready answers).</summary>
    public void Ready(string name)
    {
        lock (_lock)
        {
            _ready.Add(name);
            if (!services.All(_ready.Contains)) return;
        }

        _ = Task.Run(AnnounceAsync, _stopping);
    }

    private async Task WaitPatientlyAsync()
    {
        try
        {
            await Task.Delay(Patience, _stopping);
        }
        catch (OperationCanceledException)
        {
            return; // stopped before that
        }

        string[] waiting;
        lock (_lock)
        {
            waiting = services.Where(name => !_ready.Contains(name)).ToArray();
        }

        if (waiting.Length > 0 && Volatile.Read(ref _announced) == 0)
        {
            // The line for the ready page still follows if they get ready later.
            _logger.LogWarning(
                "Voting page: {Url} but {Waiting} not ready after {Seconds:0} s: see its logs in the dashboard ({Chain}).",
                plan.VotingPage, string.Join(" and ", waiting), Patience.TotalSeconds, plan.Describe());
        }
    }

    private async Task AnnounceAsync()
    {
        var results = await ReadResultsAsync(_stopping);
        if (Interlocked.Exchange(ref _announced, 1) != 0) return;
        _logger.LogInformation("Voting page: {Url} ({Chain}). Results: {Results}", plan.VotingPage, plan.Describe(), results);
    }

    private async Task<string> ReadResultsAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var problem = "";
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                var html = await client.GetStringAsync(plan.VotingPage, cancellationToken);
                var match = ResultsLine().Match(html);
                if (match.Success && !html.Contains("unavailable", StringComparison.OrdinalIgnoreCase)) return match.Groups[1].Value;
                problem = match.Success ? match.Groups[1].Value : "no results line on the page";
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                problem = exception.Message;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        return problem;
    }

    [GeneratedRegex("<div id=\"results\"> (.*) </div>")]
    private static partial Regex ResultsLine();
}
