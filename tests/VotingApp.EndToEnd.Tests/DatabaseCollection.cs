using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>The tests that share one Redis and one MariaDB (started once for all of them).</summary>
[CollectionDefinition(Name)]
public sealed class DatabaseCollection : ICollectionFixture<DatabaseServers>
{
    public const string Name = "databases";
}
