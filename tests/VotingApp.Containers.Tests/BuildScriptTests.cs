namespace VotingApp.Containers.Tests;

/// <summary>scripts/build-images.sh without building: its list of images, its registry prefix, its errors.</summary>
public sealed class BuildScriptTests
{
    private static Task<CommandResult> RunAsync(params string[] arguments) =>
        Command.RunAsync("bash", [Repo.BuildScript, .. arguments], TimeSpan.FromSeconds(30),
            new Dictionary<string, string?> { ["REGISTRY"] = null, ["CONTAINER_ENGINE"] = null });

    private static string[] Lines(CommandResult result) => result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task BuildsTheSevenImagesOfTheSample()
    {
        var list = (await RunAsync("--list")).EnsureSuccess();
        Assert.Equal(Repo.AllImages, Lines(list));
        Assert.Equal(7, Repo.AllImages.Count);
    }

    [Fact]
    public async Task RegistryPrefixGoesBeforeEveryImage()
    {
        var list = (await RunAsync("--list", "--registry", "myregistry.azurecr.io/")).EnsureSuccess();
        Assert.Equal(Repo.AllImages.Select(image => "myregistry.azurecr.io/" + image), Lines(list));
        Assert.Contains("myregistry.azurecr.io/voting-app:1.0", Lines(list));
    }

    [Fact]
    public async Task BuildsOnlyTheImagesNamed()
    {
        var list = (await RunAsync("--list", "voting-analytics:1.1", "voting-storage:2.0")).EnsureSuccess();
        Assert.Equal(["voting-analytics:1.1", "voting-storage:2.0"], Lines(list));
    }

    [Theory]
    [InlineData("voting-app:1.1")]
    [InlineData("voting-web:1.0")]
    public async Task RefusesAnImageItDoesNotBuild(string image)
    {
        var result = await RunAsync(image);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"unknown image {image}", result.Error);
    }

    [Fact]
    public async Task RefusesAnUnknownEngine()
    {
        var result = await RunAsync("--engine", "containerd", "voting-app:1.0");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--engine must be docker or podman", result.Error);
    }

    [Fact]
    public async Task HelpDescribesTheOptions()
    {
        var help = (await RunAsync("--help")).EnsureSuccess().Output;
        foreach (var option in new[] { "--engine", "--registry", "--pull-never", "--list" })
        {
            Assert.Contains(option, help);
        }
    }
}
