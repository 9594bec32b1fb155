namespace VotingApp.Testing;

/// <summary>Finds the Debian server programs that the test command installs.</summary>
public static class ServerBinaries
{
    public static string Require(string name, string package)
    {
        foreach (var dir in new[] { "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin" })
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path)) return path;
        }

        throw new InvalidOperationException(
            $"{name} is not installed. Run the README's test command (scripts/test.sh installs it), or: apt-get install -y {package}");
    }
}
