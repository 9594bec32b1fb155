namespace VotingApp.Testing;

/// <summary>
/// The Redis and MariaDB flags of scripts/server-flags.sh, which the benchmark sources too: one list for both.
/// Read through bash itself, so that the tests see exactly the words the benchmark's servers get.
/// </summary>
public static class ServerFlags
{
    private static readonly Lazy<IReadOnlyList<string>> RedisFlags = new(() => Read("REDIS_FLAGS"));
    private static readonly Lazy<IReadOnlyList<string>> MariaDbFlags = new(() => Read("MARIADB_FLAGS"));

    public static IReadOnlyList<string> Redis => RedisFlags.Value;
    public static IReadOnlyList<string> MariaDb => MariaDbFlags.Value;

    private static IReadOnlyList<string> Read(string array)
    {
        var file = RepositoryPaths.Combine("scripts", "server-flags.sh");
        // One word a line, "-" before each so that an empty word (Redis's --save "") stays a line of its own.
        string[] script = ["-c", $"source \"$1\" && printf -- '-%s\\n' \"${{{array}[@]}}\"", "bash", file];
        // Off the test's synchronization context: blocking on it could starve the continuation.
        var output = Task.Run(() => ChildProcess.RunAsync("bash", script)).GetAwaiter().GetResult().EnsureSuccess().Output;
        var flags = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line[1..]).ToList();
        return flags.Count > 0 ? flags : throw new InvalidOperationException($"{file} sets no {array}");
    }
}
