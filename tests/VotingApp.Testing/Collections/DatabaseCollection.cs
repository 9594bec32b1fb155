namespace VotingApp.Testing;

/// <summary>
/// The tests that share one Redis and one MariaDB (started once for all of them). Compiled into each test
/// project that uses it (see its csproj), not into this library: xunit finds collection definitions only in
/// the test assembly itself.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DatabaseCollection : ICollectionFixture<DatabaseServers>
{
    public const string Name = "databases";
}
