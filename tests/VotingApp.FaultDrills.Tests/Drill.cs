using System.Globalization;
using System.Net;
using System.Text.Json;
using VotingApp.Testing;
using Xunit.Abstractions;

namespace VotingApp.FaultDrills.Tests;

/// <summary>
/// What one drill saw. <paramref name="Counted"/>: what storage counted per option when the load stopped;
/// <paramref name="Resent"/>: the votes not acknowledged, each sent again with its token afterwards, as a
/// voter presses the problem page's button; <paramref name="CountedAfterResending"/>: what storage counted then.
/// </summary>
public sealed record DrillFigures(
    string Name, int Acknowledged, int Failed, IReadOnlyDictionary<string, long> Counted, int Pages, int DegradedPages,
    TimeSpan FaultStart, TimeSpan FaultEnd, TimeSpan Recovery, TimeSpan SlowestAnswer, IReadOnlyList<Outcome> Outcomes,
    int Resent, int ResentAcknowledged, IReadOnlyDictionary<string, long> CountedAfterResending)
{
    public static readonly IReadOnlyList<string> Options = ["Cats", "Dogs"];

    public int SentFor(string option) => Outcomes.Count(o => o.IsVote && o.Option == option);
    public int AcknowledgedFor(string option) => Outcomes.Count(o => o.Acknowledged && o.Option == option);
}

/// <summary>
/// Runs one drill: a steady load (20 voters, 4 readers), a few seconds of normal service, the fault, then
/// the load goes on until the answers have been normal for a while again (watched for twice the 30 s the
/// recovery may take, so that a late recovery is measured and fails rather than cut off at the bound), and
/// the votes that storage counted for each option are compared with what the voters of that option were told. Then every vote that was not
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

    /// <summary>How long the load goes on after the fault at most: well past <see cref="RecoveryBound"/>.</summary>
    public static readonly TimeSpan RecoveryWatch = RecoveryBound * 2;

    /// <summary>Every request during the fault must be answered within this (the services' 2 s bound plus slack), before the client's 10 s.</summary>
    public static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(2) + LoadedMachine.Slack;

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
                if (load.Now - calmSince >= SteadyAfter || load.Now - faultEnd > RecoveryWatch) break;
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
        var counted = await CountedAsync(storage);
        var (resent, resentAcknowledged) = await ResendAsync(chain, votes);
        var figures = new DrillFigures(
            name,
            Acknowledged: votes.Count(v => v.Acknowledged),
            Failed: votes.Count(v => !v.Acknowledged),
            counted,
            Pages: pages.Count,
            DegradedPages: pages.Count(p => !p.ResultsShown),
            faultStart,
            faultEnd,
            Recovery: lastBadAnswer > faultEnd ? lastBadAnswer - faultEnd : TimeSpan.Zero,
            SlowestAnswer: outcomes.Max(o => o.Took),
            outcomes,
            resent,
            resentAcknowledged,
            CountedAfterResending: await CountedAsync(storage));
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
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (var vote in failed.Concat(votes.Where(v => v.Acknowledged).Take(20)))
        {
            // One bound for all of them together.
            await Eventually.UntilAsync("a vote sent again with its token to be acknowledged (303)",
                () => VotingPageReader.VoteAsync(app, vote.Option!, vote.Token), status => status == 303,
                ResendBound - clock.Elapsed, retryOn: e => e is HttpRequestException or TaskCanceledException);

            if (!vote.Acknowledged) acknowledged++;
        }

        return (failed.Count, acknowledged);
    }

    /// <summary>
    /// The checks every drill makes, and that the three services still run; <paramref name="votesFail"/> says
    /// whether the fault must cost votes.
    /// </summary>
    public static void AssertNothingLost(DrillFigures figures, VotingChain chain, bool votesFail)
    {
        foreach (var service in new[] { chain.App, chain.Analytics, chain.Storage })
        {
            Assert.False(service.HasExited, $"{service.Service.Name} {service.Version} exited:\n{service.Output}");
        }

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

        // Every request got an answer, quickly: a 303, an honest 503 ("not counted") or 504 ("not confirmed") for
        // a vote, the page (maybe without its counts) or a 503 for a read; never a hang, a dropped connection or a 500.
        var unanswered = outcomes.Where(o => o.Status == 0).ToList();
        Assert.True(unanswered.Count == 0, $"{unanswered.Count} requests got no answer, e.g. {unanswered.FirstOrDefault()}");
        var slow = outcomes.Where(o => o.Took > AnswerBound).ToList();
        Assert.True(slow.Count == 0, $"{slow.Count} answers took longer than {AnswerBound.TotalSeconds} s, e.g. {slow.MaxBy(o => o.Took)}");
        var wrongStatus = outcomes.Where(o => o.IsVote ? o.Status is not (303 or 503 or 504) : o.Status is not (200 or 503)).ToList();
        Assert.True(wrongStatus.Count == 0, $"{wrongStatus.Count} unexpected statuses, e.g. {wrongStatus.FirstOrDefault()}");

        // Per option (a vote counted for the other one is lost and invented at once): no acknowledged vote
        // is lost; no vote is counted that was not sent during the drill.
        Assert.Equal(DrillFigures.Options, figures.Counted.Keys.Order(StringComparer.Ordinal));
        foreach (var option in DrillFigures.Options)
        {
            Assert.True(figures.Counted[option] >= figures.AcknowledgedFor(option),
                $"{figures.AcknowledgedFor(option) - figures.Counted[option]} acknowledged votes for {option} were lost: {Describe(figures)}");
            Assert.True(figures.Counted[option] <= figures.SentFor(option), $"More votes counted for {option} than sent: {Describe(figures)}");
        }

        // Every vote answered 503 or 504 offered the voter to send it again with the same token.
        var notOffered = outcomes.Where(o => o.IsVote && o.Status is (503 or 504) && !o.RetryOffered).ToList();
        Assert.True(notOffered.Count == 0, $"{notOffered.Count} votes answered 503 or 504 did not offer a resend with their token, e.g. {notOffered.FirstOrDefault()}");

        // Exactly once: each vote sent again with its token until acknowledged, storage counted every vote sent, once,
        // for the option it was for.
        foreach (var option in DrillFigures.Options)
        {
            Assert.True(figures.CountedAfterResending.GetValueOrDefault(option) == figures.SentFor(option),
                $"After sending the {figures.Failed} unacknowledged votes again, {figures.CountedAfterResending.GetValueOrDefault(option)} were " +
                $"counted for {option}, not the {figures.SentFor(option)} sent: {Describe(figures)}");
        }
    }

    private static async Task<IReadOnlyDictionary<string, long>> CountedAsync(HttpClient storage)
    {
        // Storage may still be reconnecting right after the recovery: a read is retried for a while.
        var (_, counts) = await Eventually.UntilAsync("storage to read the counts", async () =>
        {
            using var response = await storage.GetAsync("/api/votes");
            if (response.StatusCode != HttpStatusCode.OK) return ((int)response.StatusCode, (IReadOnlyDictionary<string, long>?)null);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return (200, json.RootElement.GetProperty("options").EnumerateArray()
                .ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("count").GetInt64()));
        }, read => read.Item2 is not null, TimeSpan.FromSeconds(20), interval: TimeSpan.FromMilliseconds(250));
        return counts!;
    }

    private static string Describe(DrillFigures f) => string.Create(CultureInfo.InvariantCulture,
        $"acknowledged {f.Acknowledged}, failed {f.Failed}, counted {Counts(f.Counted)}, resent {f.Resent} ({f.ResentAcknowledged} acknowledged), " +
        $"counted after resending {Counts(f.CountedAfterResending)}, sent {Counts(DrillFigures.Options.ToDictionary(o => o, o => (long)f.SentFor(o)))}, pages {f.Pages} ({f.DegradedPages} without counts), " +
        $"fault {f.FaultStart.TotalSeconds:0.0}–{f.FaultEnd.TotalSeconds:0.0} s, recovery {f.Recovery.TotalSeconds:0.00} s after it, slowest answer {f.SlowestAnswer.TotalSeconds:0.00} s");

    private static string Counts(IReadOnlyDictionary<string, long> counts) =>
        string.Join(" ", counts.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} {pair.Value}"));

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
