using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// At most <see cref="MaxClients"/> client budgets a window. The rate limiter keeps a partition per key until
/// it has been idle a while, so a flood from ever new addresses (an IPv6 range, a too-broad KNOWN_PROXIES)
/// would grow it without bound; past the bound, new addresses share one budget until the window turns.
/// </summary>
internal sealed class ClientPartitions(TimeSpan window)
{
    public const int MaxClients = 10_000;

    /// <summary>The one key that clients past the bound share.</summary>
    private static readonly IPAddress Overflow = IPAddress.IPv6None;

    private sealed class Window
    {
        public readonly long Started = Stopwatch.GetTimestamp();
        public readonly ConcurrentDictionary<IPAddress, byte> Seen = new();
        public int Count;
    }

    private Window _current = new();

    public IPAddress KeyOf(IPAddress client)
    {
        var current = Volatile.Read(ref _current);
        if (Stopwatch.GetElapsedTime(current.Started) > window)
        {
            var next = new Window();
            current = Interlocked.CompareExchange(ref _current, next, current) == current ? next : Volatile.Read(ref _current);
        }

        if (current.Seen.ContainsKey(client)) return client;
        if (Interlocked.Increment(ref current.Count) > MaxClients) return Overflow;
        current.Seen.TryAdd(client, 0);
        return client;
    }
}
