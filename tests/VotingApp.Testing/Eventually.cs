using System.Diagnostics;
using System.Net.Sockets;

namespace VotingApp.Testing;

/// <summary>
/// The one way tests wait for something that becomes true later (a server ready, a line logged, a row
/// deleted): look again every <c>interval</c> until it holds, or fail after <c>timeout</c> with what was
/// awaited and the last thing seen. Timeouts are generous bounds for a loaded machine, not measurements.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Looks with <paramref name="observe"/> until <paramref name="done"/> holds and returns what it saw.
    /// An exception that <paramref name="retryOn"/> accepts counts as "not yet" (its message is the last
    /// thing seen); any other ends the wait at once. <paramref name="context"/> adds e.g. a server's log.
    /// </summary>
    public static async Task<T> UntilAsync<T>(string what, Func<Task<T>> observe, Func<T, bool> done, TimeSpan timeout,
        Func<string>? context = null, Func<Exception, bool>? retryOn = null, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        var tries = 0;
        var last = "(nothing yet)";
        while (true)
        {
            tries++;
            try
            {
                var value = await observe();
                if (done(value)) return value;
                last = value?.ToString() ?? "null";
            }
            catch (Exception e) when (retryOn?.Invoke(e) == true)
            {
                last = $"{e.GetType().Name}: {e.Message}";
            }

            if (clock.Elapsed > timeout)
            {
                throw new Xunit.Sdk.XunitException(
                    $"Waited {timeout.TotalSeconds:0.#} s ({tries} looks) for {what}; last seen: {last}" +
                    (context is null ? "" : "\n" + context()));
            }

            await Task.Delay(interval ?? DefaultInterval);
        }
    }

    /// <summary>Until <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(string what, Func<Task<bool>> condition, TimeSpan timeout,
        Func<string>? context = null, Func<Exception, bool>? retryOn = null, TimeSpan? interval = null) =>
        UntilAsync(what, condition, done => done, timeout, context, retryOn, interval);

    /// <summary>Until <paramref name="condition"/> holds (a check without I/O, e.g. a log read so far).</summary>
    public static Task UntilAsync(string what, Func<bool> condition, TimeSpan timeout,
        Func<string>? context = null, TimeSpan? interval = null) =>
        UntilAsync(what, () => Task.FromResult(condition()), done => done, timeout, context, null, interval);

    /// <summary>A server still starting or restarting: refused or reset connections, a client timeout.</summary>
    public static bool WhileConnecting(Exception e) => e is HttpRequestException or SocketException or TaskCanceledException or IOException;
}
