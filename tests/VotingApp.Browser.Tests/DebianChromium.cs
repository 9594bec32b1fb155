using Microsoft.Playwright;

namespace VotingApp.Browser.Tests;

/// <summary>
/// Debian's chromium package (scripts/test.sh installs it). Playwright's own browser download is never
/// used: the machines reach no download site, so `playwright install` must not run.
/// </summary>
public static class DebianChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>
    /// Headless, as root (no sandbox), and with everything that would make chromium call out to the
    /// network turned off: the tests only talk to loopback.
    /// </summary>
    public static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new FileNotFoundException(
                $"{ExecutablePath} is missing: install Debian's chromium (apt-get install chromium; scripts/test.sh does).", ExecutablePath);
        }

        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
            Timeout = 60_000,
        });
    }

    /// <summary>
    /// A page in a fresh context (its own cookies) on <paramref name="site"/>, <paramref name="width"/> CSS px
    /// wide, with timeouts generous enough for a loaded 2-core machine.
    /// </summary>
    public static async Task<IPage> NewPageAsync(IBrowser browser, Uri site, int width = 1000, int height = 700)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = site.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        Microsoft.Playwright.Assertions.SetDefaultExpectTimeout(15_000);
        return page;
    }
}
