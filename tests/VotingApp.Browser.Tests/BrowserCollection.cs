
namespace VotingApp.Browser.Tests;

/// <summary>The browser tests run one after the other: each starts a whole chain and a browser on a 2-core machine.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection
{
    public const string Name = "browser";
}
