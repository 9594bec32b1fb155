using System.Diagnostics;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VotingApp.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace VotingApp.Browser.Tests;

/// <summary>
/// The README's run command, `dotnet run --project src/VotingApp.AppHost`, as a person runs it: it prints
/// the voting page's URL, the page works in the browser (on the default SQLite store), and Ctrl+C stops
/// everything it started: the services, the dashboard and Aspire's orchestrator (DCP), which runs in a session
/// of its own and so is found by a mark in its environment, inherited from the command.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class RunCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_run_command_prints_the_url_of_a_working_voting_page_and_stops_everything()
    {
        var folder = RepositoryPaths.NewTempFolder("apphost");
        var appPort = FreePort.Next();
        var votes = Path.Combine(folder, "votes.db");
        var mark = $"VOTING_TEST_RUN={Guid.NewGuid():N}";
        var environment = AppHostCommand.Environment(appPort, votes);
        environment["VOTING_TEST_RUN"] = mark.Split('=')[1];
        // A process group of its own, as a terminal starts a command, for Ctrl+C to reach all of it; SIGINT not
        // ignored even when the tests were started in the background (an ignored signal stays ignored in children).
        using var command = ChildProcess.Start("setsid",
            ["perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die", "dotnet", .. AppHostCommand.Arguments()], environment);
        bool stopped;
        IReadOnlyList<string> left;
        try
        {
            var url = await WaitForVotingPageUrlAsync(command, TimeSpan.FromMinutes(3));
            Assert.Equal($"http://localhost:{appPort}/", url);
            Assert.Contains("app 1.0 -> analytics 1.1 -> storage 1.0 on sqlite", command.Output, StringComparison.Ordinal);

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await DebianChromium.LaunchAsync(playwright);
            var page = await browser.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            var problems = BrowserProblems.Watch(page);
            await page.GotoAsync(url);
            var results = page.Locator("#results");
            await Expect(results).ToHaveTextAsync("Cats: 0/0 (0%) | Dogs: 0/0 (0%)", new() { Timeout = 15_000 });
            await Expect(page.Locator("#details")).ToContainTextAsync("Store: sqlite");
            await Expect(page.Locator("#featureflag")).ToContainTextAsync("Feature flag: off");
            await page.GetByRole(AriaRole.Button, new() { Name = "Dogs", Exact = true }).ClickAsync();
            await Expect(results).ToHaveTextAsync("Cats: 0/1 (0%) | Dogs: 1/1 (100%)", new() { Timeout = 15_000 });
            Assert.True(problems.Count == 0, "The browser reported problems:\n" + string.Join("\n", problems));
            Assert.True(File.Exists(votes), "storage did not use SQLITE_PATH");

            // The terminal: the AppHost's own lines, the page's URL standing out, and why the flag changes nothing here.
            Assert.DoesNotContain("Request starting", command.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("development certificate", command.Output, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("Locally there is no mesh", command.Output, StringComparison.Ordinal);

            // The dashboard from its printed login link: the three services listed, no certificate banner.
            var dashboard = await browser.NewPageAsync();
            dashboard.SetDefaultTimeout(60_000);
            await dashboard.GotoAsync(DashboardLoginLine().Match(command.Output).Groups[1].Value);
            await Expect(dashboard.GetByText("voting-storage").First).ToBeVisibleAsync();
            await Expect(dashboard.GetByText("voting-app").First).ToBeVisibleAsync();
            Assert.DoesNotContain("certificate", await dashboard.Locator("body").InnerTextAsync(), StringComparison.OrdinalIgnoreCase);
            await dashboard.CloseAsync();

            // A stopped storage refuses connections (no proxy accepts them for it): the vote is "not counted", as the README says.
            Process.GetProcessById(ProcessUsing(votes)).Kill();
            await page.GetByRole(AriaRole.Button, new() { Name = "Cats", Exact = true }).ClickAsync();
            await Expect(page.Locator("body")).ToContainTextAsync("not counted", new() { Timeout = 15_000 });
        }
        finally
        {
            // Ctrl+C: SIGINT to the command's process group (dotnet run and the AppHost; the AppHost stops what
            // it started). Checked below, not here: an assertion in finally would replace the first failure.
            stopped = await command.InterruptGroupAsync(TimeSpan.FromSeconds(60));
            left = await ProcessesLeftAsync(mark, tries: 120);
            output.WriteLine(command.Output);
            RepositoryPaths.DeleteFolder(folder);
        }

        Assert.True(stopped, "the run command did not stop within 60 s of SIGINT");
        Assert.True(left.Count == 0, "still running after Ctrl+C:\n" + string.Join("\n", left));
        await AssertClosedAsync(appPort, TimeSpan.FromSeconds(30));
        // Nothing noisy after the page's block, even after stopping: its last line is the last on screen.
        var lines = command.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("Press Ctrl+C to stop everything.", lines[^1]);
    }

    /// <summary>
    /// The processes whose environment holds <paramref name="mark"/> (everything the command started inherits it),
    /// after waiting up to <paramref name="tries"/> quarter seconds for them to end; those left are killed.
    /// </summary>
    private static async Task<IReadOnlyList<string>> ProcessesLeftAsync(string mark, int tries)
    {
        var left = new List<(int Pid, string Command)>();
        for (var attempt = 0; attempt < tries; attempt++)
        {
            left = ProcessesWith(mark).ToList();
            if (left.Count == 0) return [];
            await Task.Delay(250);
        }

        foreach (var (pid, _) in left)
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // ended meanwhile
            }
        }

        return left.Select(process => $"{process.Pid} {process.Command}").ToList();
    }

    private static IEnumerable<(int Pid, string Command)> ProcessesWith(string mark)
    {
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid)) continue;
            string? command = null;
            try
            {
                if (File.ReadAllText(Path.Combine(folder, "environ")).Split('\0').Contains(mark))
                {
                    command = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ').Trim();
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            if (command is not null) yield return (pid, command);
        }
    }

    /// <summary>The service process started with this SQLite file: storage, of this run only.</summary>
    private static int ProcessUsing(string sqlitePath) =>
        ProcessesWith($"SQLITE_PATH={sqlitePath}").Where(process => process.Command.Contains("VotingApp.Storage", StringComparison.Ordinal))
            .Select(process => process.Pid).FirstOrDefault() is var pid and > 0
            ? pid
            : throw new Xunit.Sdk.XunitException($"No storage process uses {sqlitePath}.");

    private static async Task<string> WaitForVotingPageUrlAsync(ChildProcess command, TimeSpan timeout)
    {
        var match = await Eventually.UntilAsync("the run command to print a ready voting page", () =>
        {
            if (command.HasExited) throw new Xunit.Sdk.XunitException($"The run command exited with {command.ExitCode}:\n{command.Output}");
            return Task.FromResult(VotingPageLine().Match(command.Output));
        }, match => match.Success, timeout, () => command.Output, interval: TimeSpan.FromMilliseconds(250));
        return match.Groups[1].Value;
    }

    /// <summary>Nothing listens on the app's port any more: the services were stopped with the command.</summary>
    private static Task AssertClosedAsync(int port, TimeSpan timeout) =>
        Eventually.UntilAsync($"port {port} to refuse connections after the run command stopped", async () =>
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", port);
                return false;
            }
            catch (SocketException)
            {
                return true;
            }
        }, timeout, interval: TimeSpan.FromMilliseconds(250));

    /// <summary>The line printed once all three services are ready and the page answered (not the early warning).</summary>
    [GeneratedRegex(@"Voting page: (http://\S+/) \(.*\)\. Results: ")]
    private static partial Regex VotingPageLine();

    [GeneratedRegex(@"Login to the dashboard at (http://\S+/login\?t=\S+)")]
    private static partial Regex DashboardLoginLine();
}
