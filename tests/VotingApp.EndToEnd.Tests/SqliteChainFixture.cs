using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>One chain (app 1.0 → analytics 1.1 → storage 1.0 on SQLite) shared by a test class that only reads or refuses.</summary>
public sealed class SqliteChainFixture : IAsyncLifetime
{
    private readonly string _folder = RepositoryPaths.NewTempFolder("http-chain");

    public VotingChain Chain { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Chain = await VotingChain.StartAsync("1.0", "1.1", "1.0", VotingChain.SqliteEnvironment(_folder));

    public async Task DisposeAsync()
    {
        await Chain.DisposeAsync();
        RepositoryPaths.DeleteFolder(_folder);
    }
}
