using System.Globalization;

namespace VotingApp.LoadGenerator;

/// <summary>What a virtual user sends: the page (like the article's curl loop), votes, or a mix of both.</summary>
public enum LoadMode
{
    Browse,
    Vote,
    Mix,
}

/// <summary>Everything one run needs, parsed and checked from the command line.</summary>
public sealed record LoadSettings
{
    public required Uri Url { get; init; }
    public int Connections { get; init; } = 16;

    /// <summary>Zero: until stopped (Ctrl+C, SIGTERM) or until <see cref="MaxRequests"/> are done.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Warmup { get; init; } = TimeSpan.Zero;
    public LoadMode Mode { get; init; } = LoadMode.Browse;

    /// <summary>In <see cref="LoadMode.Mix"/>: the share of requests that are votes.</summary>
    public double VoteRatio { get; init; } = 0.2;

    public IReadOnlyList<string> VoteOptions { get; init; } = ["Cats", "Dogs"];

    /// <summary>The Cookie header that some virtual users send, e.g. "featureflag=on"; null for none.</summary>
    public string? CookieHeader { get; init; }

    /// <summary>The share of requests (virtual users) that carry <see cref="CookieHeader"/>.</summary>
    public double CookieShare { get; init; } = 1.0;

    /// <summary>Requests per second for the open model; zero for closed-loop connections.</summary>
    public double Rate { get; init; }

    /// <summary>Stop after this many requests (zero: no limit).</summary>
    public long MaxRequests { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan WaitReady { get; init; } = TimeSpan.Zero;

    /// <summary>The error share, in percent, above which the run fails.</summary>
    public double MaxErrorsPercent { get; init; } = 1.0;

    public string? JsonPath { get; init; }
    public string? ReportPath { get; init; }
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
    public bool Quiet { get; init; }

    public bool IsOpenModel => Rate > 0;

    /// <summary>
    /// "30s", "500ms", "2m", "1h", "1m30s", a bare number of seconds ("45", "0.5") or a TimeSpan ("00:01:00").
    /// </summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds < 0 || double.IsNaN(seconds) || double.IsInfinity(seconds)) return false;
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        if (text.Contains(':') && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration))
        {
            return duration >= TimeSpan.Zero;
        }

        var total = TimeSpan.Zero;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.')) i++;
            if (start == i) return false;
            if (!double.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return false;
            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i])) i++;
            var unit = text[unitStart..i].ToLowerInvariant();
            TimeSpan part;
            switch (unit)
            {
                case "ms": part = TimeSpan.FromMilliseconds(value); break;
                case "s": part = TimeSpan.FromSeconds(value); break;
                case "m" or "min": part = TimeSpan.FromMinutes(value); break;
                case "h": part = TimeSpan.FromHours(value); break;
                default: return false;
            }

            total += part;
        }

        duration = total;
        return true;
    }

    /// <summary>"featureflag=on" (and "a=1; b=2") as a Cookie header value; null when it is not name=value.</summary>
    public static string? ParseCookies(IEnumerable<string> cookies)
    {
        var parts = new List<string>();
        foreach (var cookie in cookies)
        {
            foreach (var piece in cookie.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = piece.IndexOf('=');
                if (equals <= 0 || piece.AsSpan(0, equals).ContainsAny(" ,\t\r\n")) return null;
                parts.Add(piece);
            }
        }

        return parts.Count == 0 ? null : string.Join("; ", parts);
    }
}
