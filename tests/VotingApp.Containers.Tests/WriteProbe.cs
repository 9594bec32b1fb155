using VotingApp.Testing;

namespace VotingApp.Containers.Tests;

/// <summary>
/// A small static program, built once with the host's C compiler and mounted read-only into each container,
/// that tries to create a file in every folder of the container (all but the kernel's /proc, /sys and /dev)
/// and prints "errno folder" for each: 0 where it could, 30 (EROFS) where the file system refused. The
/// chiseled images have no shell, so this is how a test can try a write inside one. Run as root in the
/// container, so that a refusal means a read-only file system rather than a missing permission.
/// </summary>
public static class WriteProbe
{
    public const string MountPoint = "/.write-probe";
    public const string Program = MountPoint + "/probe";
    public const int ReadOnlyFileSystem = 30; // EROFS

    private static readonly Lazy<Task<string>> BuiltFolder = new(BuildAsync);

    /// <summary>The host folder with the built probe, for `--volume folder:/.write-probe:ro`.</summary>
    public static Task<string> FolderAsync() => BuiltFolder.Value;

    private const string Source = """
        #include <dirent.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <stdio.h>
        #include <string.h>
        #include <sys/stat.h>
        #include <unistd.h>

        static void probe(const char *folder) {
          const char *prefix = strcmp(folder, "/") ? folder : "";
          char path[4096];
          snprintf(path, sizeof path, "%s/.write-probe-%d", prefix, (int)getpid());
          int fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
          int error = fd >= 0 ? 0 : errno;
          if (fd >= 0) { close(fd); unlink(path); }
          printf("%d %s\n", error, folder);
          DIR *dir = opendir(folder);
          if (!dir) return;
          struct dirent *entry;
          while ((entry = readdir(dir))) {
            if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
            snprintf(path, sizeof path, "%s/%s", prefix, entry->d_name);
            if (!strcmp(path, "/proc") || !strcmp(path, "/sys") || !strcmp(path, "/dev")) continue;
            struct stat info;
            if (lstat(path, &info) == 0 && S_ISDIR(info.st_mode)) {
              char child[4096];
              strcpy(child, path);
              probe(child);
            }
          }
          closedir(dir);
        }

        int main(void) { probe("/"); return 0; }
        """;

    private static async Task<string> BuildAsync()
    {
        var folder = RepositoryPaths.NewTempFolder("write-probe");
        await File.WriteAllTextAsync(Path.Combine(folder, "probe.c"), Source);
        var compiler = ChildProcess.IsOnPath("clang") ? "clang" : "cc";
        (await ChildProcess.RunAsync(compiler, ["-static", "-O1", "-o", Path.Combine(folder, "probe"), Path.Combine(folder, "probe.c")],
            workingDirectory: folder)).EnsureSuccess();
        return folder;
    }
}
