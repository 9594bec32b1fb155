using Microsoft.Playwright;

namespace VotingApp.Browser.Tests;

/// <summary>What a person would see in the browser's developer console: errors, failed requests, error responses.</summary>
public static class BrowserProblems
{
    public static IReadOnlyCollection<string> Watch(IPage page)
    {
        var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Enqueue($"console {message.Type}: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => problems.Enqueue($"page error: {error}");
        page.RequestFailed += (_, request) =>
        {
            // A form submitted again before its answer arrived (a double click) cancels the first navigation:
            // Chromium reports that POST as aborted although the server answered it, and the tests count what
            // the server counted instead.
            if (request.Method == "POST" && request.Failure == "net::ERR_ABORTED") return;
            problems.Enqueue($"request failed: {request.Method} {request.Url}: {request.Failure}");
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400) problems.Enqueue($"HTTP {response.Status} for {response.Request.Method} {response.Url}");
        };
        return problems;
    }
}
