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
        page.RequestFailed += (_, request) => problems.Enqueue($"request failed: {request.Method} {request.Url}: {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400) problems.Enqueue($"HTTP {response.Status} for {response.Request.Method} {response.Url}");
        };
        return problems;
    }
}
