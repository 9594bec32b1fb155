using Microsoft.Playwright;

namespace VotingApp.Browser.Tests;

/// <summary>What a person would see in the browser's developer console: errors, failed requests, error responses.</summary>
public static class BrowserProblems
{
    /// <summary>
    /// The one problem tolerated for now: the app serves no /favicon.ico, so chromium's automatic request
    /// for it logs "Failed to load resource ... 404". It is not the page's own doing; once the app serves
    /// an icon (or the page names one, e.g. &lt;link rel="icon" href="data:,"&gt;) this can go.
    /// </summary>
    private static bool IsMissingFavicon(IConsoleMessage message) =>
        message.Type == "error" && message.Text.Contains("404", StringComparison.Ordinal) &&
        message.Location.Contains("/favicon.ico", StringComparison.Ordinal);

    public static IReadOnlyCollection<string> Watch(IPage page)
    {
        var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning" && !IsMissingFavicon(message))
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
