namespace VotingApp.LoadGenerator.Tests;

public class SettingsTests
{
    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("45", 45_000)]
    [InlineData("0.5", 500)]
    [InlineData("00:01:00", 60_000)]
    [InlineData("0", 0)]
    public void Durations_are_read_as_people_write_them(string text, double milliseconds)
    {
        Assert.True(LoadSettings.TryParseDuration(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("10 parsecs")]
    [InlineData("5x")]
    [InlineData("-3")]
    [InlineData("s")]
    public void Nonsense_durations_are_refused(string text) => Assert.False(LoadSettings.TryParseDuration(text, out _));

    [Fact]
    public void Cookies_become_one_cookie_header()
    {
        Assert.Equal("featureflag=on", LoadSettings.ParseCookies(["featureflag=on"]));
        Assert.Equal("featureflag=on; a=1; b=2", LoadSettings.ParseCookies(["featureflag=on", "a=1; b=2"]));
        Assert.Null(LoadSettings.ParseCookies([]));
        Assert.Null(LoadSettings.ParseCookies(["featureflag"]));
        Assert.Null(LoadSettings.ParseCookies(["=on"]));
    }

    [Fact]
    public void The_command_line_is_checked_before_anything_is_sent()
    {
        var command = LoadGeneratorCommand.Create();
        Assert.NotEmpty(command.Parse(["--url", "not a url"]).Errors);
        Assert.NotEmpty(command.Parse(["--url", "ftp://host/"]).Errors);
        Assert.NotEmpty(command.Parse(["--url", "http://127.0.0.1/", "--duration", "soon"]).Errors);
        Assert.NotEmpty(command.Parse(["--url", "http://127.0.0.1/", "--vote-ratio", "1.5"]).Errors);
        Assert.NotEmpty(command.Parse(["--url", "http://127.0.0.1/", "--connections", "0"]).Errors);
        Assert.Empty(command.Parse(["--url", "http://127.0.0.1/", "-c", "4", "-d", "5s", "--mode", "mix", "--rate", "100"]).Errors);
    }

    [Fact]
    public void Without_url_it_loads_the_local_run()
    {
        var parsed = LoadGeneratorCommand.Create().Parse(["--duration", "5s"]);
        Assert.Empty(parsed.Errors);
        Assert.Equal(new Uri("http://localhost:8080/"), parsed.GetValue<Uri>("--url"));
    }
}
