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
}
