using System.Globalization;

namespace VotingApp.LoadGenerator;

/// <summary>
/// The live line: elapsed, requests/s over the last interval, errors, p99 of the last interval. On a
/// terminal it is rewritten in place; in a log (a pod, a redirected run) it is one line per interval.
/// </summary>
internal sealed class ProgressLine(TextWriter? output, TimeSpan interval)
{
    private readonly bool _inPlace = output is not null && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    private TimeSpan _lastElapsed;
    private long _lastRequests;
    private TimeSpan _lastPrinted = TimeSpan.MinValue;
    private bool _dirty;

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
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{elapsed.TotalSeconds,7:0.0}s  {rate,9:#,0} req/s  {requests,10:#,0} requests  errors {errors:#,0} ({share:0.00}%)  p99 {intervalP99Microseconds / 1000.0:0.00} ms");
        if (_inPlace)
        {
            output.Write("\r" + line.PadRight(Math.Max(line.Length, 100)));
            _dirty = true;
        }
        else if (_lastPrinted == TimeSpan.MinValue || elapsed - _lastPrinted >= interval - TimeSpan.FromMilliseconds(50))
        {
            output.WriteLine(line);
            _lastPrinted = elapsed;
        }
    }

    public void Finish()
    {
        if (_dirty) output?.WriteLine();
    }
}
