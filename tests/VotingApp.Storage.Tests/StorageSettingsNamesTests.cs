using VotingApp.Contracts;
using VotingApp.ServiceDefaults;
using VotingApp.Testing;

namespace VotingApp.Storage.Tests;

public class StorageSettingsNamesTests
{
    /// <summary>The AppHost passes on exactly <see cref="CatalogEntry.Settings"/>: a setting missing there would be dropped.</summary>
    [Fact]
    public void Storages_settings_are_the_ones_the_AppHost_passes_on() =>
        Assert.Equal(SettingNames.Of(typeof(StorageSettings), typeof(Ballot)).Order(), PassedOnSettings.Storage.Order());
}
