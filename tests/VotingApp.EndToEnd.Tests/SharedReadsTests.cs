using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// Shared reads (docs/http.md, "Shared reads") in the chain as it ships, over real Redis and MariaDB: a
/// crowd's pages share upstream reads, yet no page misses a vote acknowledged before it was requested, and
/// the two tracks of the canary never get each other's counts.
/// </summary>
[Collection(DatabaseCollection.Name)]
public partial class SharedReadsTests(DatabaseServers servers)
{
    private const int Voters = 16;

    [Fact]
    public async Task Every_vote_acknowledged_before_a_page_was_requested_is_in_that_page()
    {
        await using var chain = await VotingChain.StartAsync("1.0", "1.0", "1.0", servers.StoreEnvironment("1.0"));
        using var client = chain.App.CreateClient(TimeSpan.FromSeconds(30));
        Assert.Equal(303, await VotingPageReader.ResetAsync(client));
        using var analytics = chain.Analytics.CreateClient();
        var analyticsBefore = await ServedRequests.CountAsync(analytics, "/analytics");

        var acknowledged = new AcknowledgedVotes();
        var pages = 0;

        async Task LoadAndCheckPageAsync()
        {
            var before = acknowledged.Counts;
            AcknowledgedVotes.AssertShownAfter(before, Counts(VotingPageReader.ResultsLine(await client.GetStringAsync("/"))));
            Interlocked.Increment(ref pages);
        }

        await CrowdAsync(Voters, Voters / 2, async voter =>
        {
            for (var vote = 0; vote < 8; vote++)
            {
                var option = AcknowledgedVotes.Options[(voter + vote) % 2];
                Assert.Equal(303, await VotingPageReader.VoteAsync(client, option));
                acknowledged.Add(option);
                await LoadAndCheckPageAsync();
            }
        }, LoadAndCheckPageAsync);

        Assert.Equal(acknowledged.Counts, Counts(VotingPageReader.ResultsLine(await client.GetStringAsync("/"))));
        Assert.Equal(Voters * 8, acknowledged.Counts.Cats + acknowledged.Counts.Dogs);
        // The pages did share reads (else this proves nothing about sharing): fewer reached analytics than were shown.
        Assert.InRange(await ServedRequests.SinceAsync(analytics, "/analytics", analyticsBefore), 1, pages - 1);
    }

    [Fact]
    public async Task Under_a_crowd_analytics_and_storage_get_fewer_reads_than_there_are_pages()
    {
        await using var chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", servers.StoreEnvironment("1.0"));
        using var client = chain.App.CreateClient(TimeSpan.FromSeconds(30));
        using var analytics = chain.Analytics.CreateClient();
        using var storage = chain.Storage.CreateClient();
        var analyticsBefore = await ServedRequests.CountAsync(analytics, "/analytics");
        var storageBefore = await ServedRequests.CountAsync(storage, "/api/votes");

        const int pagesEach = 25;
        await Task.WhenAll(Enumerable.Range(0, Voters).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < pagesEach; i++)
            {
                Assert.DoesNotContain("unavailable", VotingPageReader.ResultsLine(await client.GetStringAsync("/")), StringComparison.Ordinal);
            }
        })));

        // Counted where the reads arrive: the services' own request metrics, not the app's view of its calls.
        const int pages = Voters * pagesEach;
        var analyticsReads = await ServedRequests.SinceAsync(analytics, "/analytics", analyticsBefore);
        var storageReads = await ServedRequests.SinceAsync(storage, "/api/votes", storageBefore);
        Assert.InRange(analyticsReads, 1, pages - 1);
        Assert.InRange(storageReads, 1, analyticsReads);
    }

    [Fact]
    public async Task The_featureflag_track_never_gets_the_other_tracks_shared_read()
    {
        // One analytics serving both tracks; the track router sends each track's reads to its own storage and store.
        await using var storage1 = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", servers.StoreEnvironment("1.0"));
        await using var storage2 = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "2.0", servers.StoreEnvironment("2.0", "shared_reads"));
        await using var router = await TrackRouter.StartAsync(storage1.BaseAddress, storage2.BaseAddress);
        await using var analytics = await ServiceProcess.StartAsync(ServiceCatalog.Analytics, "2.0", VotingChain.Upstream("STORAGE", router.Port));
        await using var app1 = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", VotingChain.AppUpstreams(analytics.Port, storage1.Port));
        await using var app2 = await ServiceProcess.StartAsync(ServiceCatalog.App, "2.0", VotingChain.AppUpstreams(analytics.Port, storage2.Port));
        using var track1 = app1.CreateClient(TimeSpan.FromSeconds(30));
        using var track2 = app2.CreateClient(TimeSpan.FromSeconds(30));
        await WaitForResultsAsync(track1);
        await WaitForResultsAsync(track2);

        // Different counts on each track: 1 Cats on 1.0 (Redis), 2 Dogs on 2.0 (MariaDB).
        Assert.Equal(303, await VotingPageReader.ResetAsync(track1));
        Assert.Equal(303, await VotingPageReader.ResetAsync(track2));
        Assert.Equal(303, await VotingPageReader.VoteAsync(track1, "Cats"));
        Assert.Equal(303, await VotingPageReader.VoteAsync(track2, "Dogs"));
        Assert.Equal(303, await VotingPageReader.VoteAsync(track2, "Dogs"));

        // Both crowds at once, so analytics always has reads of both tracks in flight and queued together.
        async Task<List<string>> CrowdAsync(HttpClient track) =>
            (await Task.WhenAll(Enumerable.Range(0, Voters / 2).Select(_ => Task.Run(async () =>
            {
                var lines = new List<string>();
                for (var i = 0; i < 20; i++) lines.Add(VotingPageReader.ResultsLine(await track.GetStringAsync("/")));
                return lines;
            })))).SelectMany(lines => lines).ToList();

        // Beside them, crowds of both tracks straight at analytics, as many app pods of each track make: with two
        // apps alone each app shares its own calls and analytics sees them one by one, alternating tracks.
        using var direct = analytics.CreateClient(TimeSpan.FromSeconds(30));
        async Task<List<string>> DirectCrowdAsync(string track) =>
            (await Task.WhenAll(Enumerable.Range(0, Voters / 2).Select(_ => Task.Run(async () =>
            {
                var texts = new List<string>();
                for (var i = 0; i < 20; i++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/analytics");
                    request.Headers.Add(VotingTrack.HeaderName, track);
                    using var answer = await direct.SendAsync(request);
                    var result = await answer.Content.ReadFromJsonAsync(VotingJsonContext.Default.AnalyticsResult);
                    texts.Add($"{result!.Store}: {result.Text}");
                }

                return texts;
            })))).SelectMany(texts => texts).ToList();

        var (seen1, seen2, direct1, direct2) = (CrowdAsync(track1), CrowdAsync(track2), DirectCrowdAsync("1.0"), DirectCrowdAsync("2.0"));
        Assert.All(await seen1, line => Assert.Equal("<div id=\"results\"> Cats: 1/1 (100%) | Dogs: 0/1 (0%) </div>", line));
        Assert.All(await seen2, line => Assert.Equal("<div id=\"results\"> Cats: 0/2 (0%) | Dogs: 2/2 (100%) </div>", line));
        Assert.All(await direct1, text => Assert.Equal("redis: Cats: 1/1 (100%) | Dogs: 0/1 (0%)", text));
        Assert.All(await direct2, text => Assert.Equal("mysql: Cats: 0/2 (0%) | Dogs: 2/2 (100%)", text));
    }

    [Fact]
    public async Task Through_hops_that_retry_as_Istio_does_every_page_still_has_every_vote_acknowledged_before_it()
    {
        // Every hop behind a proxy that retries as Istio's default policy (RetryingProxy cites it), and analytics and
        // storage refusing some requests with 503 (FAULT_*), so that retried reads arrive late and join shared reads.
        var faults = new Dictionary<string, string?> { ["FAULT_ABORT_PERCENT"] = "15", ["FAULT_ABORT_STATUS"] = "503" };
        // Storage also slow at times, so that reads are long in flight and many pages come while one is.
        var slowStorage = With(faults, new Dictionary<string, string?> { ["FAULT_DELAY_MS"] = "10", ["FAULT_DELAY_PERCENT"] = "50" });
        await using var storage = await ServiceProcess.StartAsync(ServiceCatalog.Storage, "1.0", With(servers.StoreEnvironment("1.0"), slowStorage));
        await using var storageSidecar = await RetryingProxy.StartAsync(storage.BaseAddress);
        await using var analytics = await ServiceProcess.StartAsync(ServiceCatalog.Analytics, "1.1", With(VotingChain.Upstream("STORAGE", storageSidecar.Port), faults));
        await using var analyticsSidecar = await RetryingProxy.StartAsync(analytics.BaseAddress);
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", VotingChain.AppUpstreams(analyticsSidecar.Port, storageSidecar.Port));
        await using var gateway = await RetryingProxy.StartAsync(app.BaseAddress);
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = gateway.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        await WaitForResultsAsync(client);
        await Eventually.UntilAsync("a reset through the faults", async () => await VotingPageReader.ResetAsync(client), status => status == 303,
            LoadedMachine.Slack, retryOn: e => e is InvalidOperationException or HttpRequestException);

        var acknowledged = new AcknowledgedVotes();
        var (unconfirmed, shownPages, unavailablePages) = (0, 0, 0);

        // A page as the browser loads it; its counts checked against the votes acknowledged before it was requested.
        async Task<string> LoadAndCheckPageAsync()
        {
            var before = acknowledged.Counts;
            var page = await client.GetStringAsync("/");
            var line = VotingPageReader.ResultsLine(page);
            if (line.Contains("unavailable", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref unavailablePages);
                return page;
            }

            Interlocked.Increment(ref shownPages);
            AcknowledgedVotes.AssertShownAfter(before, Counts(line));
            return page;
        }

        // Voters press a button of the page they loaded (its token); a vote the chain could not confirm is not acknowledged.
        await CrowdAsync(Voters / 2, Voters / 2, async voter =>
        {
            for (var vote = 0; vote < 12; vote++)
            {
                var tokens = VotingPageReader.VoteTokens(await LoadAndCheckPageAsync());
                var option = AcknowledgedVotes.Options[(voter + vote) % 2];
                if (await VotingPageReader.VoteAsync(client, option, tokens.Count > 0 ? tokens[0] : null) == 303) acknowledged.Add(option);
                else Interlocked.Increment(ref unconfirmed);
            }
        }, LoadAndCheckPageAsync);

        var report = $"{shownPages} pages with results, {unavailablePages} without; {unconfirmed} votes not confirmed; " +
                     $"503s retried: analytics {analyticsSidecar.Tries.Count(t => t.Status == 503)}, storage {storageSidecar.Tries.Count(t => t.Status == 503)}";
        // The hops did retry, on both sides of the shared reads; and most pages still showed results.
        Assert.True(analyticsSidecar.Tries.Any(t => t.Status == 503) && storageSidecar.Tries.Any(t => t.Status == 503), report);
        Assert.True(shownPages > unavailablePages, report);
        // Each acknowledged vote counted once however often a hop re-sent it; a vote not confirmed may or may not count.
        var (final, counted) = (Counts(await WaitForResultsAsync(client)), acknowledged.Counts);
        Assert.True(final.Cats >= counted.Cats && final.Dogs >= counted.Dogs, $"counted {final}, acknowledged {counted}: {report}");
        Assert.True(final.Cats + final.Dogs <= counted.Cats + counted.Dogs + unconfirmed, $"counted {final}, acknowledged {counted}: {report}");
    }

    /// <summary>Votes acknowledged (303) so far, per option: a page requested after them must include them.</summary>
    private sealed class AcknowledgedVotes
    {
        public static readonly string[] Options = ["Cats", "Dogs"];
        private long _cats, _dogs;

        public (long Cats, long Dogs) Counts => (Interlocked.Read(ref _cats), Interlocked.Read(ref _dogs));

        public void Add(string option) => Interlocked.Increment(ref option == "Cats" ? ref _cats : ref _dogs);

        public static void AssertShownAfter((long Cats, long Dogs) before, (long Cats, long Dogs) shown) =>
            Assert.True(shown.Cats >= before.Cats && shown.Dogs >= before.Dogs,
                $"a page showed Cats {shown.Cats}, Dogs {shown.Dogs} after Cats {before.Cats}, Dogs {before.Dogs} were acknowledged");
    }

    /// <summary>Voters, and visitors who only look all the time the votes come in: the crowd whose pages share reads.</summary>
    private static async Task CrowdAsync(int voters, int lookers, Func<int, Task> vote, Func<Task> look)
    {
        var voting = true;
        var looking = Enumerable.Range(0, lookers).Select(_ => Task.Run(async () =>
        {
            while (Volatile.Read(ref voting)) await look();
        })).ToList();
        await Task.WhenAll(Enumerable.Range(0, voters).Select(voter => Task.Run(() => vote(voter))));
        Volatile.Write(ref voting, false);
        await Task.WhenAll(looking);
    }

    private static Dictionary<string, string?> With(IReadOnlyDictionary<string, string?> settings, IReadOnlyDictionary<string, string?> more) =>
        settings.Concat(more).ToDictionary(setting => setting.Key, setting => setting.Value);

    private static async Task<string> WaitForResultsAsync(HttpClient app) =>
        await Eventually.UntilAsync("the track to show results", async () => VotingPageReader.ResultsLine(await app.GetStringAsync("/")),
            line => !line.Contains("unavailable", StringComparison.Ordinal), TimeSpan.FromSeconds(30), retryOn: Eventually.WhileConnecting);

    /// <summary>The two counts of a results line, in either analytics format ("Cats: 2 | Dogs: 4" or "Cats: 2/6 (33%) | …").</summary>
    private static (long Cats, long Dogs) Counts(string line)
    {
        var match = CountsPattern().Match(line);
        Assert.True(match.Success, $"no counts in {line}");
        return (long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"Cats: (\d+)\D.*Dogs: (\d+)")]
    private static partial Regex CountsPattern();
}
