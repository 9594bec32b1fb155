using Microsoft.Playwright;
using Xunit.Abstractions;

namespace VotingApp.Browser.Tests;

/// <summary>Full-page screenshots in the test output folder (screenshots/), for a person to look at; the path is logged.</summary>
public static class PageScreenshots
{
    public static async Task SaveAsync(IPage page, string name, ITestOutputHelper output)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
