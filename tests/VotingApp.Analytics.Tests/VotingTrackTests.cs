using Microsoft.Extensions.Primitives;
using VotingApp.Contracts;

namespace VotingApp.Analytics.Tests;

/// <summary>
/// What x-voting-track a call carries (the Gateway API track's mesh routes match it): the app always its own
/// version; analytics the incoming one when it is an app version, else none. The Kestrel proof with
/// recording proxies is Manifests.Tests/GatewayApi/TrackHeaderTests.
/// </summary>
public sealed class VotingTrackTests
{
    [Theory]
    [InlineData("1.0", null, "1.0")]
    [InlineData("1.0", "2.0", "1.0")] // a visitor's own value never wins
    [InlineData("2.0", "1.0", "2.0")]
    public void The_app_names_its_own_version(string version, string? incoming, string expected) =>
        Assert.Equal(expected, VotingTrack.ToSend(ServiceCatalog.App, version, incoming is null ? StringValues.Empty : new StringValues(incoming)));

    [Theory]
    [InlineData("1.0", "1.0")]
    [InlineData("2.0", "2.0")]
    [InlineData("1.1", null)]  // an analytics version is no track
    [InlineData("9.9", null)]
    [InlineData("", null)]
    [InlineData(null, null)]   // outside a request (the start-up read): none, the routes' default serves it
    public void Analytics_forwards_only_an_app_version(string? incoming, string? expected) =>
        Assert.Equal(expected, VotingTrack.ToSend(ServiceCatalog.Analytics, "1.1", incoming is null ? StringValues.Empty : new StringValues(incoming)));

    [Fact]
    public void Two_values_are_not_a_track() =>
        Assert.Null(VotingTrack.ToSend(ServiceCatalog.Analytics, "2.0", new StringValues(["1.0", "2.0"])));
}
