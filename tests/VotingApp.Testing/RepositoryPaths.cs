namespace VotingApp.Testing;

/// <summary>Where things are in this repository, found from the test assembly's folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>"Debug" or "Release": the configuration the tests were built in, used for the services too.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The built dll of a service project, e.g. "VotingApp.Storage".</summary>
    public static string ServiceDll(string project)
    {
        var dll = Combine("src", project, "bin", Configuration, "net10.0", project + ".dll");
        return File.Exists(dll)
            ? dll
            : throw new FileNotFoundException($"{dll} is not built; build VotingApp.sln in {Configuration} first.", dll);
    }

    /// <summary>A fresh folder under the test run's temporary folder (VOTING_TEST_TMP, else the system's).</summary>
    public static string NewTempFolder(string purpose)
    {
        var parent = Environment.GetEnvironmentVariable("VOTING_TEST_TMP") is { Length: > 0 } configured ? configured : Path.GetTempPath();
        var folder = Path.Combine(parent, $"{purpose}-{Guid.NewGuid():N}"[..(purpose.Length + 9)]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Deletes a folder the tests made; a folder still in use is left for the test command to remove.</summary>
    public static void DeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VotingApp.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No VotingApp.sln above {AppContext.BaseDirectory}");
    }
}
