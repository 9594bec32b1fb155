using VotingApp.AppHost;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.App.Tests;

public class AppSettingsTests
{
    /// <summary>The AppHost passes on exactly <see cref="PassedOnSettings"/>: a setting missing there would be dropped.</summary>
    [Fact]
    public void The_apps_settings_are_the_ones_the_AppHost_passes_on() =>
        Assert.Equal(SettingNames.Of(typeof(AppSettings), typeof(Ballot)).Order(), PassedOnSettings.App.Order());

    [Fact]
    public void Defaults_are_valid() =>
        Assert.Empty(new AppSettings().Problems().Concat(new Ballot().Problems()));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_title_is_refused_by_name(string title) =>
        Assert.Contains("TITLE", Assert.Single(new AppSettings { Title = title }.Problems()));

    [Fact]
    public void Overlong_title_is_refused() =>
        Assert.Contains("TITLE", Assert.Single(new AppSettings { Title = new string('x', AppSettings.MaxTitleLength + 1) }.Problems()));

    [Theory]
    [InlineData("", "Dogs", "VOTE1VALUE must not be empty")]
    [InlineData("Cats", " ", "VOTE2VALUE must not be empty")]
    [InlineData("reset", "Dogs", "VOTE1VALUE must not be 'reset'")]
    [InlineData("Cats", "Cats", "both 'Cats'")]
    public void Bad_vote_options_are_refused_by_name(string vote1, string vote2, string expected)
    {
        var problems = new Ballot { Vote1Value = vote1, Vote2Value = vote2 }.Problems().ToList();
        Assert.Contains(problems, problem => problem.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Overlong_option_is_refused()
    {
        var problem = Assert.Single(new Ballot { Vote1Value = new string('a', Ballot.MaxLength + 1) }.Problems());
        Assert.StartsWith("VOTE1VALUE is 65 characters long", problem);
    }

    [Theory]
    [InlineData("Cats", "Cats")]
    [InlineData("Dogs", "Dogs")]
    [InlineData("cats", null)]
    [InlineData("Cats ", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Find_matches_options_exactly(string? value, string? expected) =>
        Assert.Equal(expected, new Ballot().Find(value));
}
