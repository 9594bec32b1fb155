using System.Buffers;
using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace VotingApp.ServiceDefaults;

/// <summary>Request values escaped, so none forges a line, and cut, so none fills the bounded log buffer.</summary>
public static class LogValue
{
    /// <summary>The longest string any log property keeps (the enricher's bound for every event).</summary>
    public const int MaxLength = 2048;

    /// <summary>The longest request path a request log line keeps.</summary>
    public const int MaxPathLength = 256;

    public static string Safe(string? value, int maxLength = MaxLength)
    {
        if (string.IsNullOrEmpty(value)) return value ?? "";
        if (value.Length <= maxLength && !value.AsSpan().ContainsAny(Unsafe)) return value;

        var kept = Math.Min(value.Length, maxLength);
        var text = new StringBuilder(kept + 24);
        foreach (var c in value.AsSpan(0, kept))
        {
            switch (c)
            {
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                default:
                    if (Unsafe.Contains(c)) text.Append("\\u").Append(((int)c).ToString("x4"));
                    else text.Append(c);
                    break;
            }
        }

        if (kept < value.Length) text.Append("…(").Append(value.Length).Append(" chars)");
        return text.ToString();
    }

    /// <summary>char.IsControl's characters and the Unicode line and paragraph separators.</summary>
    private static readonly SearchValues<char> Unsafe = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Concat(Enumerable.Range(0x7f, 0x21)).Select(c => (char)c), '\u2028', '\u2029']);

    /// <summary>Every string property of every event, whoever logged it: the last line of defence.</summary>
    internal sealed class Enricher : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
        {
            List<LogEventProperty>? replaced = null;
            foreach (var (name, value) in logEvent.Properties)
            {
                if (value is ScalarValue { Value: string text } && Safe(text) is var safe && !ReferenceEquals(safe, text))
                {
                    (replaced ??= []).Add(new LogEventProperty(name, new ScalarValue(safe)));
                }
            }

            if (replaced is null) return;
            foreach (var property in replaced) logEvent.AddOrUpdateProperty(property);
        }
    }
}
