using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace VotingApp.ServiceDefaults;

/// <summary>At most <see cref="MaxClients"/> budgets a window, so ever new addresses cannot grow the limiter's partitions without bound.</summary>
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
