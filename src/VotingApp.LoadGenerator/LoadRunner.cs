using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace VotingApp.LoadGenerator;

/// <summary>
/// Runs the virtual users. Closed model: each of the connections sends its next request as soon as the
/// previous one is answered, and latency is measured from the send. Open model (--rate): requests are due
/// at fixed intervals, spread over the connections, and latency is measured from when a request was DUE,
/// so a slow server that delays later requests shows up in the percentiles (no coordinated omission).
/// </summary>
public sealed class LoadRunner(LoadSettings settings, TextWriter? progressOut = null)
{
    private static readonly MediaTypeHeaderValue FormContentType = new("application/x-www-form-urlencoded");

    private readonly byte[][] _voteBodies = settings.VoteOptions
        .Select(option => Encoding.ASCII.GetBytes("vote=" + Uri.EscapeDataString(option))).ToArray();

    private volatile Stats _stats = new();
    private long _issued;

    public static HttpClient CreateClient(LoadSettings settings) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = settings.Connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    {
        Timeout = settings.Timeout,
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>
    /// One GET of the URL: why no connection could be made (refused, no such host), or null when anything
    /// answers, whatever the status, or is merely slow (the run measures that).
    /// </summary>
    public static async Task<string?> ProbeAsync(LoadSettings settings, CancellationToken cancellationToken)
    {
        using var client = CreateClient(settings);
        try
        {
            using var response = await client.GetAsync(settings.Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return null;
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            return Describe(e);
        }
        catch (Exception e) when (e is TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Polls the URL until it answers 2xx; false when <see cref="LoadSettings.WaitReady"/> runs out.</summary>
    public static async Task<bool> WaitUntilReadyAsync(LoadSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        using var client = CreateClient(settings with { Timeout = TimeSpan.FromSeconds(5) });
        var clock = Stopwatch.StartNew();
        var lastReason = "";
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, settings.Url);
                if (settings.CookieHeader is not null) request.Headers.TryAddWithoutValidation("Cookie", settings.CookieHeader);
                using var response = await client.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    await log.WriteLineAsync($"{settings.Url} answers {(int)response.StatusCode} after {clock.Elapsed.TotalSeconds:0.0} s");
                    return true;
                }

                lastReason = $"{(int)response.StatusCode} {response.ReasonPhrase}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                lastReason = e.Message;
            }

            if (clock.Elapsed >= settings.WaitReady)
            {
                await log.WriteLineAsync($"{settings.Url} did not answer 2xx within {settings.WaitReady.TotalSeconds:0} s: {lastReason}");
                return false;
            }

            await log.WriteLineAsync($"waiting for {settings.Url}: {lastReason}");
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return false;
    }

    /// <summary>Runs the warm-up (not recorded) and then the measured load; returns the measured run.</summary>
    public async Task<RunSummary> RunAsync(CancellationToken cancellationToken)
    {
        using var client = CreateClient(settings);
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var measuredFrom = TimeSpan.Zero;
        var end = settings.Duration > TimeSpan.Zero ? settings.Warmup + settings.Duration : Timeout.InfiniteTimeSpan;

        var workers = Enumerable.Range(0, settings.Connections)
            .Select(index => Task.Run(() => WorkerAsync(client, index, clock, stop.Token), CancellationToken.None))
            .ToArray();

        if (settings.Warmup > TimeSpan.Zero)
        {
            progressOut?.WriteLine($"warming up for {settings.Warmup.TotalSeconds:0.#} s");
            await WaitAsync(Task.WhenAll(workers), settings.Warmup, stop.Token);
            _stats = new Stats();
            measuredFrom = clock.Elapsed;
        }

        var progress = new ProgressLine(progressOut, settings.ProgressInterval);
        var allDone = Task.WhenAll(workers);
        while (!allDone.IsCompleted && !stop.IsCancellationRequested)
        {
            var remaining = end == Timeout.InfiniteTimeSpan ? settings.ProgressInterval : end - clock.Elapsed;
            if (remaining <= TimeSpan.Zero) break;
            await WaitAsync(allDone, remaining < settings.ProgressInterval ? remaining : settings.ProgressInterval, stop.Token);
            var stats = _stats;
            progress.Show(clock.Elapsed - measuredFrom, stats, stats.TakeInterval(clock.Elapsed - measuredFrom));
        }

        // Stop sending; the requests already sent are answered (each bounded by --timeout) and counted.
        await stop.CancelAsync();
        await allDone;
        var elapsed = clock.Elapsed - measuredFrom;
        progress.Finish();
        return RunSummary.From(settings, _stats, startedAt, elapsed);
    }

    private static async Task WaitAsync(Task task, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAny(task, Task.Delay(delay, cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WorkerAsync(HttpClient client, int index, Stopwatch clock, CancellationToken stop)
    {
        var random = new Random(HashCode.Combine(index, Environment.TickCount));
        // Open model: this connection's requests are due every Connections/Rate seconds, offset by its index.
        var interval = settings.IsOpenModel ? settings.Connections / settings.Rate : 0;
        var nextDue = settings.IsOpenModel ? index / settings.Rate : 0;

        while (!stop.IsCancellationRequested)
        {
            if (settings.MaxRequests > 0 && Interlocked.Increment(ref _issued) > settings.MaxRequests) return;

            long startTicks;
            if (settings.IsOpenModel)
            {
                var wait = nextDue - clock.Elapsed.TotalSeconds;
                if (wait > 0)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(wait), stop);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                startTicks = (long)(nextDue * Stopwatch.Frequency);
                nextDue += interval;
            }
            else
            {
                startTicks = clock.ElapsedTicks;
            }

            var isVote = settings.Mode switch
            {
                LoadMode.Vote => true,
                LoadMode.Mix => random.NextDouble() < settings.VoteRatio,
                _ => false,
            };
            var withCookie = settings.CookieHeader is not null && (settings.CookieShare >= 1 || random.NextDouble() < settings.CookieShare);
            await SendOneAsync(client, isVote, withCookie, random, clock, startTicks);
        }
    }

    private async Task SendOneAsync(HttpClient client, bool isVote, bool withCookie, Random random, Stopwatch clock, long startTicks)
    {
        using var request = new HttpRequestMessage(isVote ? HttpMethod.Post : HttpMethod.Get, settings.Url);
        if (isVote)
        {
            request.Content = new ByteArrayContent(_voteBodies[random.Next(_voteBodies.Length)]);
            request.Content.Headers.ContentType = FormContentType;
        }

        if (withCookie) request.Headers.TryAddWithoutValidation("Cookie", settings.CookieHeader);

        string status;
        bool success;
        var answered = true;
        string? chain = null;
        try
        {
            // Not cancelled when the run ends: a request already sent is seen through to its answer.
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
            await using (var body = await response.Content.ReadAsStreamAsync())
            {
                await body.CopyToAsync(Stream.Null);
            }

            var code = (int)response.StatusCode;
            status = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // A vote is answered 303 (back to the page); anything else below 400 is an answer too.
            success = isVote ? code is >= 200 and < 400 : code is >= 200 and < 300;
            if (response.Headers.TryGetValues(Stats.ChainHeader, out var values)) chain = string.Join(' ', values);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            status = Describe(e);
            success = false;
            answered = false;
        }

        var latencyTicks = clock.ElapsedTicks - startTicks;
        _stats.Record(isVote, status, success, latencyTicks * 1_000_000 / Stopwatch.Frequency, chain, answered);
    }

    /// <summary>A short name for a request that got no answer, used as its "status".</summary>
    public static string Describe(Exception e) => e switch
    {
        TaskCanceledException => "timeout",
        HttpRequestException { InnerException: SocketException socket } => socket.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.ConnectionReset => "connection reset",
            _ => "socket " + socket.SocketErrorCode,
        },
        HttpRequestException { HttpRequestError: var error } when error != HttpRequestError.Unknown => "http " + error,
        _ => "error " + e.GetType().Name,
    };
}
