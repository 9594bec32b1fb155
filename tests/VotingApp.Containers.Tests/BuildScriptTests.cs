using VotingApp.Testing;

namespace VotingApp.Containers.Tests;

/// <summary>scripts/build-images.sh without building: its list of images, its registry prefix, its errors.</summary>
public sealed class BuildScriptTests
{
    private static Task<CommandResult> RunAsync(params string[] arguments) =>
        ChildProcess.RunAsync("bash", [ContainerFiles.BuildScript, .. arguments], TimeSpan.FromSeconds(30),
            new Dictionary<string, string?> { ["REGISTRY"] = null, ["CONTAINER_ENGINE"] = null });

    private static string[] Lines(CommandResult result) => result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Builds_the_seven_images_of_the_sample()
    {
        var list = (await RunAsync("--list")).EnsureSuccess();
        Assert.Equal(ContainerFiles.AllImages, Lines(list));
        Assert.Equal(7, ContainerFiles.AllImages.Count);
    }

    [Fact]
    public async Task Registry_prefix_goes_before_every_image()
    {
        var list = (await RunAsync("--list", "--registry", "myregistry.azurecr.io/")).EnsureSuccess();
        Assert.Equal(ContainerFiles.AllImages.Select(image => "myregistry.azurecr.io/" + image), Lines(list));
        Assert.Contains("myregistry.azurecr.io/voting-app:1.0", Lines(list));
    }

    [Fact]
    public async Task Builds_only_the_images_named()
    {
        var list = (await RunAsync("--list", "voting-analytics:1.1", "voting-storage:2.0")).EnsureSuccess();
        Assert.Equal(["voting-analytics:1.1", "voting-storage:2.0"], Lines(list));
    }

    [Theory]
    [InlineData("voting-app:1.1")]
    [InlineData("voting-web:1.0")]
    public async Task Refuses_an_image_it_does_not_build(string image)
    {
        var result = await RunAsync(image);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"unknown image {image}", result.Error);
    }

    [Fact]
    public async Task Refuses_an_unknown_engine()
    {
        var result = await RunAsync("--engine", "containerd", "voting-app:1.0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--engine must be docker or podman", result.Error);
    }

    /// <summary>
    /// A clone made with a token in its remote URL (as CI systems do) must not put the token into the
    /// images: the script is run with a stand-in "podman" on PATH that records what it was asked to build.
    /// </summary>
    [Theory]
    [InlineData("remote", "https://ci-user:s3cr3t-t0ken@git.example.com/team/voting.git", "https://git.example.com/team/voting.git")]
    [InlineData("SOURCE", "https://s3cr3t-t0ken@git.example.com/team/voting.git", "https://git.example.com/team/voting.git")]
    [InlineData("SOURCE", "https://git.example.com/team/voting.git", "https://git.example.com/team/voting.git")]
    public async Task NoCredentialsOfTheRemoteUrlReachTheImage(string from, string url, string expected)
    {
        var folder = RepositoryPaths.NewTempFolder("build-script");
        try
        {
            var log = Path.Combine(folder, "podman.log");
            var podman = Path.Combine(folder, "podman");
            await File.WriteAllTextAsync(podman, $"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\n[ \"$1 $2\" = 'image inspect' ] && echo 1000000\nexit 0\n");
            (await ChildProcess.RunAsync("chmod", ["+x", podman], TimeSpan.FromSeconds(30))).EnsureSuccess();
            var git = Path.Combine(folder, "repo.git");
            (await ChildProcess.RunAsync("git", ["init", "--quiet", "--bare", git], TimeSpan.FromSeconds(30))).EnsureSuccess();
            if (from == "remote")
            {
                (await ChildProcess.RunAsync("git", ["--git-dir", git, "remote", "add", "origin", url], TimeSpan.FromSeconds(30))).EnsureSuccess();
            }

            var result = await ChildProcess.RunAsync("bash", [ContainerFiles.BuildScript, "voting-app:1.0"], TimeSpan.FromSeconds(30), new Dictionary<string, string?>
            {
                ["PATH"] = $"{folder}:{Environment.GetEnvironmentVariable("PATH")}",
                ["CONTAINER_ENGINE"] = "podman",
                ["REGISTRY"] = null,
                ["GIT_DIR"] = git,
                ["REVISION"] = "0123abc",
                ["SOURCE"] = from == "SOURCE" ? url : null,
            });
            result.EnsureSuccess();

            var build = File.ReadAllLines(log).Single(line => line.StartsWith("build ", StringComparison.Ordinal));
            Assert.Contains($"--build-arg SOURCE={expected} ", build);
            Assert.DoesNotContain("s3cr3t-t0ken", build + result.Output + result.Error);
        }
        finally
        {
            RepositoryPaths.DeleteFolder(folder);
        }
    }

    [Fact]
    public async Task Help_describes_the_options()
    {
        var help = (await RunAsync("--help")).EnsureSuccess().Output;
        foreach (var option in new[] { "--engine", "--registry", "--pull-never", "--list" })
        {
            Assert.Contains(option, help);
        }
    }
}
