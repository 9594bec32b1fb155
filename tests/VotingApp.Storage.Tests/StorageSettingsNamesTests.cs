using VotingApp.AppHost;
using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

public class StorageSettingsNamesTests
{
    /// <summary>The AppHost passes on exactly <see cref="PassedOnSettings"/>: a setting missing there would be dropped.</summary>
    [Fact]
    public void Storages_settings_are_the_ones_the_AppHost_passes_on() =>
        Assert.Equal(SettingNames.Of(typeof(StorageSettings), typeof(Ballot)).Order(), PassedOnSettings.Storage.Order());
}
