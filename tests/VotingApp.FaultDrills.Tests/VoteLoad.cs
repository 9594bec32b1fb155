using System.Diagnostics;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.FaultDrills.Tests;

/// <summary>One request of the drill's load and what came back.</summary>
/// <param name="Sent">When it was sent, from the start of the load.</param>
/// <param name="Took">How long until the whole answer was read (or the client gave up).</param>
/// <param name="Status">The HTTP status, or 0 when no answer came.</param>
/// <param name="ResultsShown">For a page: whether its results line had the counts (not the "unavailable" text).</param>
/// <param name="Option">For a vote: what it was for.</param>
/// <param name="Token">For a vote: its vote token, as the page's form carries one.</param>
/// <param name="RetryOffered">For a vote answered 503 or 504: whether the answer offered it again with the same token.</param>
public sealed record Outcome(bool IsVote, TimeSpan Sent, TimeSpan Took, int Status, string? Error, bool ResultsShown,
    string? Option = null, string? Token = null, bool RetryOffered = false)
{
    public TimeSpan Answered => Sent + Took;
    public bool Acknowledged => IsVote && Status == 303;
}

/// <summary>
/// A steady load on the app, as voters cause it: voters POST vote=Cats/Dogs in a loop (each one at a
/// time, a short pause between votes), readers GET the page. Every outcome is kept with its timing. Each
/// vote carries a fresh vote token, as a vote from the page does (the voters make their own rather than
/// loading a page per vote, so that the vote rate stays that of the drill; the token is the same kind).
/// </summary>
public sealed class VoteLoad : IAsyncDisposable
{
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(10);

    private readonly List<Outcome> _outcomes = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly HttpClient _client;
    private readonly Task _running;

    public VoteLoad(Uri app, int voters, int readers)
    {
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            MaxConnectionsPerServer = voters + readers,
        })
        {
            BaseAddress = app,
            Timeout = ClientTimeout,
        };
        _running = Task.WhenAll(
            Enumerable.Range(0, voters).Select(i => Task.Run(() => LoopAsync(true, i)))
                .Concat(Enumerable.Range(0, readers).Select(i => Task.Run(() => LoopAsync(false, i)))));
    }

    /// <summary>Time since the load started, on the clock the outcomes use.</summary>
    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyList<Outcome> Outcomes
    {
        get
        {
            lock (_outcomes)
            {
                return _outcomes.ToList();
            }
        }
    }

    /// <summary>Stops sending; waits for the requests in flight to be answered.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _running;
    }

    private async Task LoopAsync(bool vote, int index)
    {
        var random = new Random(index * 7919 + (vote ? 1 : 2));
        while (!_stop.IsCancellationRequested)
        {
            var sent = _clock.Elapsed;
            int status = 0;
            string? error = null;
            var resultsShown = false;
            var retryOffered = false;
            string? option = null, token = null;
            try
            {
                // Not cancelled by StopAsync: a vote once sent is seen through to its answer, so that what
                // the voter was told can be compared with what was counted.
                if (vote)
                {
                    (option, token) = (random.Next(2) == 0 ? "Cats" : "Dogs", VoteToken.New());
                    using var content = VotingPageReader.VoteForm(option, token);
                    using var response = await _client.PostAsync("/", content, CancellationToken.None);
                    var html = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    status = (int)response.StatusCode;
                    retryOffered = status is (503 or 504) && VotingPageReader.VoteTokens(html) is [var offered] && offered == token;
                }
                else
                {
                    using var response = await _client.GetAsync("/", CancellationToken.None);
                    var html = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    status = (int)response.StatusCode;
                    resultsShown = status == 200 && VotingPageReader.ResultsLines(html) is [var line] && line.Contains("Cats:", StringComparison.Ordinal);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                error = e.GetType().Name + ": " + e.Message;
            }

            var outcome = new Outcome(vote, sent, _clock.Elapsed - sent, status, error, resultsShown, option, token, retryOffered);
            lock (_outcomes)
            {
                _outcomes.Add(outcome);
            }

            try
            {
                await Task.Delay(vote ? 10 : 50, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _client.Dispose();
        _stop.Dispose();
    }
}
