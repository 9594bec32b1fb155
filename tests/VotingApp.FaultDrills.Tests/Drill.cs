using System.Globalization;
using System.Net;
using System.Text.Json;
using VotingApp.Testing;
using Xunit.Abstractions;

namespace VotingApp.FaultDrills.Tests;

/// <summary>
/// What one drill saw. <paramref name="Counted"/>: what storage counted when the load stopped;
/// <paramref name="Resent"/>: the votes not acknowledged, each sent again with its token afterwards, as a
/// voter presses the problem page's button; <paramref name="CountedAfterResending"/>: what storage counted then.
/// </summary>
public sealed record DrillFigures(
    string Name, int Acknowledged, int Failed, long Counted, int Pages, int DegradedPages, TimeSpan FaultStart,
    TimeSpan FaultEnd, TimeSpan Recovery, TimeSpan SlowestAnswer, IReadOnlyList<Outcome> Outcomes,
    int Resent = 0, int ResentAcknowledged = 0, long CountedAfterResending = 0);

/// <summary>
/// Runs one drill: a steady load (20 voters, 4 readers), a few seconds of normal service, the fault, then
/// the load goes on until the answers have been normal for a while again (at most 30 s), and the votes
/// that storage counted are compared with what the voters were told. Then every vote that was not
/// acknowledged is sent again with its token (and a few acknowledged ones too, as a voter pressing the
/// button twice): afterwards storage must have counted exactly the votes sent, each once.
/// </summary>
public static class Drill
{
    public const int Voters = 20;
    public const int Readers = 4;
    public static readonly TimeSpan SteadyBefore = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan SteadyAfter = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(30);

    /// <summary>Every request during the fault must be answered within this (the services' 2 s bound plus slack).</summary>
    public static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(2.5);

    /// <summary>A vote not acknowledged, or a page without the counts: what a voter notices of the fault.</summary>
    public static bool IsBad(Outcome outcome) => outcome.IsVote ? !outcome.Acknowledged : !outcome.ResultsShown;

    /// <summary>How long the votes that were not acknowledged are sent again, until each is.</summary>
    public static readonly TimeSpan ResendBound = TimeSpan.FromSeconds(30);

    public static async Task<DrillFigures> RunAsync(string name, VotingChain chain, Func<Task> fault, ITestOutputHelper output, int voters = Voters)
    {
        using var storage = chain.Storage.CreateClient();
        using (var reset = await storage.DeleteAsync("/api/votes"))
        {
            Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        }

        var load = new VoteLoad(chain.App.BaseAddress, voters, Readers);
        TimeSpan faultStart, faultEnd;
        try
        {
            await Task.Delay(SteadyBefore);
            faultStart = load.Now;
            await fault();
            faultEnd = load.Now;
            while (true)
            {
                var lastBad = load.Outcomes.Where(IsBad).Select(o => o.Answered).DefaultIfEmpty(faultEnd).Max();
                var calmSince = lastBad > faultEnd ? lastBad : faultEnd;
                if (load.Now - calmSince >= SteadyAfter || load.Now - faultEnd > RecoveryBound) break;
                await Task.Delay(200);
            }
        }
        finally
        {
            await load.StopAsync();
            await load.DisposeAsync();
        }

        var outcomes = load.Outcomes;
        var votes = outcomes.Where(o => o.IsVote).ToList();
        var pages = outcomes.Where(o => !o.IsVote).ToList();
        var lastBadAnswer = outcomes.Where(IsBad).Select(o => o.Answered).DefaultIfEmpty(faultEnd).Max();
        var figures = new DrillFigures(
            name,
            Acknowledged: votes.Count(v => v.Acknowledged),
            Failed: votes.Count(v => !v.Acknowledged),
            Counted: await CountedAsync(storage),
            Pages: pages.Count,
            DegradedPages: pages.Count(p => !p.ResultsShown),
            faultStart,
            faultEnd,
            Recovery: lastBadAnswer > faultEnd ? lastBadAnswer - faultEnd : TimeSpan.Zero,
            SlowestAnswer: outcomes.Max(o => o.Took),
            outcomes);
        var (resent, resentAcknowledged) = await ResendAsync(chain, votes);
        figures = figures with { Resent = resent, ResentAcknowledged = resentAcknowledged, CountedAfterResending = await CountedAsync(storage) };
        Print(figures, output);
        return figures;
    }

    /// <summary>
    /// Sends every vote that was not acknowledged again, with its token, until it is (storage answers the
    /// first result for a token it counted, so a vote counted during the fault is not counted again), and
    /// sends the first 20 acknowledged votes once more, which must change nothing.
    /// </summary>
    private static async Task<(int Resent, int Acknowledged)> ResendAsync(VotingChain chain, IReadOnlyList<Outcome> votes)
    {
        using var app = chain.App.CreateClient();
        var failed = votes.Where(v => !v.Acknowledged).ToList();
        var acknowledged = 0;
        var deadline = DateTime.UtcNow + ResendBound;
        foreach (var vote in failed.Concat(votes.Where(v => v.Acknowledged).Take(20)))
        {
            while (true)
            {
                int status;
                try
                {
                    status = await VotingPageReader.VoteAsync(app, vote.Option!, vote.Token);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    status = 0;
                }

                if (status == 303) break;
                Assert.True(DateTime.UtcNow < deadline, $"a vote sent again with its token got {status} after {ResendBound.TotalSeconds:0} s");
                await Task.Delay(100);
            }

            if (!vote.Acknowledged) acknowledged++;
        }

        return (failed.Count, acknowledged);
    }

    /// <summary>The checks every drill makes; <paramref name="votesFail"/> says whether the fault must cost votes.</summary>
    public static void AssertNothingLost(DrillFigures figures, bool votesFail)
    {
        var outcomes = figures.Outcomes;
        // The fault really happened, and the load went on long enough to see the service come back.
        Assert.True(votesFail ? figures.Failed > 0 : figures.DegradedPages > 0,
            $"The fault was not noticed by the voters: {Describe(figures)}");
        Assert.True(figures.Recovery < RecoveryBound, $"No recovery within {RecoveryBound.TotalSeconds} s: {Describe(figures)}");

        // Before the fault, everything was normal.
        var badBefore = outcomes.Where(o => o.Answered < figures.FaultStart && Drill.IsBad(o)).ToList();
        Assert.True(badBefore.Count == 0, $"{badBefore.Count} requests failed before the fault, e.g. {badBefore.FirstOrDefault()}");

        // After the recovery, votes are acknowledged and pages show the counts again.
        var recoveredAt = figures.FaultEnd + figures.Recovery;
        Assert.Contains(outcomes, o => o.IsVote && o.Acknowledged && o.Sent > recoveredAt);
        Assert.Contains(outcomes, o => !o.IsVote && o.ResultsShown && o.Sent > recoveredAt);

        // Every request got an answer, quickly: a 303 or an honest 503 for a vote, the page (maybe without
        // its counts) or a 503 for a read; never a hang, a dropped connection or a 500.
        var unanswered = outcomes.Where(o => o.Status == 0).ToList();
        Assert.True(unanswered.Count == 0, $"{unanswered.Count} requests got no answer, e.g. {unanswered.FirstOrDefault()}");
        var slow = outcomes.Where(o => o.Took > AnswerBound).ToList();
        Assert.True(slow.Count == 0, $"{slow.Count} answers took longer than {AnswerBound.TotalSeconds} s, e.g. {slow.MaxBy(o => o.Took)}");
        var wrongStatus = outcomes.Where(o => o.IsVote ? o.Status is not (303 or 503) : o.Status is not (200 or 503)).ToList();
        Assert.True(wrongStatus.Count == 0, $"{wrongStatus.Count} unexpected statuses, e.g. {wrongStatus.FirstOrDefault()}");

        // No acknowledged vote is lost; no vote is counted that was not sent during the drill.
        Assert.True(figures.Counted >= figures.Acknowledged,
            $"{figures.Acknowledged - figures.Counted} acknowledged votes were lost: {Describe(figures)}");
        Assert.True(figures.Counted <= figures.Acknowledged + figures.Failed,
            $"More votes counted than sent: {Describe(figures)}");

        // Every vote answered 503 offered the voter to send it again with the same token.
        var notOffered = outcomes.Where(o => o.IsVote && o.Status == 503 && !o.RetryOffered).ToList();
        Assert.True(notOffered.Count == 0, $"{notOffered.Count} votes answered 503 did not offer a resend with their token, e.g. {notOffered.FirstOrDefault()}");

        // Exactly once: each vote sent again with its token until acknowledged, storage counted every vote sent, once.
        Assert.True(figures.CountedAfterResending == figures.Acknowledged + figures.Failed,
            $"After sending the {figures.Failed} unacknowledged votes again, {figures.CountedAfterResending} were counted, not " +
            $"{figures.Acknowledged + figures.Failed}: {Describe(figures)}");
    }

    public static void AssertStillRunning(params ServiceProcess[] services)
    {
        foreach (var service in services)
        {
            Assert.False(service.HasExited, $"{service.Service.Name} {service.Version} exited:\n{service.Output}");
        }
    }

    private static async Task<long> CountedAsync(HttpClient storage)
    {
        // Storage may still be reconnecting right after the recovery: a read is retried for a while.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            using var response = await storage.GetAsync("/api/votes");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                return json.RootElement.GetProperty("options").EnumerateArray().Sum(o => o.GetProperty("count").GetInt64());
            }

            Assert.True(DateTime.UtcNow < deadline, $"storage could not read the counts: {(int)response.StatusCode}");
            await Task.Delay(250);
        }
    }

    private static string Describe(DrillFigures f) => string.Create(CultureInfo.InvariantCulture,
        $"acknowledged {f.Acknowledged}, failed {f.Failed}, counted {f.Counted}, resent {f.Resent} ({f.ResentAcknowledged} acknowledged), " +
        $"counted after resending {f.CountedAfterResending}, pages {f.Pages} ({f.DegradedPages} without counts), " +
        $"fault {f.FaultStart.TotalSeconds:0.0}–{f.FaultEnd.TotalSeconds:0.0} s, recovery {f.Recovery.TotalSeconds:0.00} s after it, slowest answer {f.SlowestAnswer.TotalSeconds:0.00} s");

    private static void Print(DrillFigures f, ITestOutputHelper output)
    {
        output.WriteLine($"{f.Name}: {Describe(f)}");
        var statuses = f.Outcomes.GroupBy(o => (o.IsVote ? "vote " : "page ") + (o.Status == 0 ? o.Error : o.Status.ToString(CultureInfo.InvariantCulture)))
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}");
        output.WriteLine("  answers: " + string.Join(", ", statuses));
        var failures = f.Outcomes.Where(IsBad).ToList();
        if (failures.Count > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  voters noticed the fault from {failures.Min(o => o.Sent).TotalSeconds:0.00} s to {failures.Max(o => o.Answered).TotalSeconds:0.00} s"));
        }
    }
}
