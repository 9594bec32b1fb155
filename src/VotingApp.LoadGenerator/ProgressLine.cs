using System.Globalization;

namespace VotingApp.LoadGenerator;

/// <summary>
/// The live line: elapsed, requests/s over the last interval, errors (and their commonest reason), p99 of the last interval. On a
/// terminal it is rewritten in place; in a log (a pod, a redirected run) it is one line per interval.
/// </summary>
internal sealed class ProgressLine(TextWriter? output, TimeSpan interval)
{
    private readonly bool _inPlace = output is not null && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    private TimeSpan _lastElapsed;
    private long _lastRequests;
    private TimeSpan _lastPrinted = TimeSpan.MinValue;
    private bool _dirty;
    private Dictionary<string, long> _lastTokens = [];

    public void Show(TimeSpan elapsed, Stats stats, long intervalP99Microseconds)
    {
        if (output is null) return;
        var requests = stats.Requests;
        var seconds = (elapsed - _lastElapsed).TotalSeconds;
        var rate = seconds > 0 ? (requests - _lastRequests) / seconds : 0;
        _lastElapsed = elapsed;
        _lastRequests = requests;
        var errors = stats.Errors;
        var share = requests == 0 ? 0 : errors * 100.0 / requests;
        // The commonest failure is named at once (e.g. "connection refused"), not only in the final table.
        var reason = errors > 0 && stats.TopError is { } top ? ": " + top : "";
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{elapsed.TotalSeconds,7:0.0}s  {rate,9:#,0} req/s  {requests,10:#,0} requests  errors {errors:#,0} ({share:0.00}%{reason})  p99 {intervalP99Microseconds / 1000.0:0.00} ms");
        if (_inPlace)
        {
            output.Write("\r" + line.PadRight(Math.Max(line.Length, 100)));
            _dirty = true;
        }
        else if (_lastPrinted == TimeSpan.MinValue || elapsed - _lastPrinted >= interval - TimeSpan.FromMilliseconds(50))
        {
            // In a log (kubectl logs -f), each line also says which versions answered since the last one:
            // the canary split as it moves.
            var mix = IntervalMix(stats);
            output.WriteLine(mix.Length == 0 ? line : line + "  " + mix);
            _lastPrinted = elapsed;
        }
    }

    /// <summary>"app 1.0 90% 2.0 10%" for the answers since the last call, per service.</summary>
    private string IntervalMix(Stats stats)
    {
        var now = new Dictionary<string, long>(stats.ChainTokens, StringComparer.Ordinal);
        var delta = now.Select(t => (Token: t.Key, Count: t.Value - _lastTokens.GetValueOrDefault(t.Key)))
            .Where(t => t.Count > 0)
            .Select(t => (Service: t.Token.Split('/')[0], Version: t.Token.Contains('/') ? t.Token[(t.Token.IndexOf('/') + 1)..] : "?", t.Count));
        _lastTokens = now;
        return string.Join("  ", delta.GroupBy(t => t.Service).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var total = (double)g.Sum(t => t.Count);
            return g.Key + " " + string.Join(" ", g.OrderBy(t => t.Version, StringComparer.Ordinal)
                .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Version} {t.Count * 100 / total:0.#}%")));
        }));
    }

    public void Finish()
    {
        if (_dirty) output?.WriteLine();
    }
}
