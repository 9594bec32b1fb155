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

    /// <summary>
    /// The folder of the Native AOT services, VOTING_AOT_DIR, as scripts/test.sh publishes them (what the images
    /// ship): VotingApp.App/VotingApp.App, … Unset: the services run as built, dotnet VotingApp.X.dll.
    /// </summary>
    public static string? NativeServicesFolder =>
        Environment.GetEnvironmentVariable(NativeServicesVariable) is { Length: > 0 } folder ? Path.GetFullPath(folder) : null;

    public const string NativeServicesVariable = "VOTING_AOT_DIR";

    /// <summary>The Native AOT executable of a service project in <see cref="NativeServicesFolder"/>.</summary>
    public static string NativeService(string folder, string project)
    {
        var binary = Path.Combine(folder, project, project);
        return File.Exists(binary)
            ? binary
            : throw new FileNotFoundException(
                $"{binary} is not published; {NativeServicesVariable}={folder} asks for the Native AOT services: " +
                $"dotnet publish src/{project} -c Release -r linux-x64 -o {Path.Combine(folder, project)} (scripts/test.sh does it).", binary);
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
