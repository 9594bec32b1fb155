using VotingApp.Contracts;
using VotingApp.Testing;

namespace VotingApp.EndToEnd.Tests;

/// <summary>
/// A client that leaves before its answer (a stopped curl loop, a closed tab) is not a failure of the
/// service: the request log says it was abandoned (at Debug), not "responded 500" with a stack trace.
/// </summary>
public class AbandonedRequestTests
{
    [Fact]
    public async Task A_page_request_the_client_abandons_is_logged_as_abandoned_not_as_an_error()
    {
        await using var hole = new BlackHoleServer();
        var settings = VotingChain.AppUpstreams(hole.Port, hole.Port);
        settings["Serilog__MinimumLevel__Override__VotingApp.RequestLog"] = "Debug";
        await using var app = await ServiceProcess.StartAsync(ServiceCatalog.App, "1.0", settings);
        using var client = app.CreateClient(TimeSpan.FromMilliseconds(300));

        // The page waits for analytics (a black hole) until the client gives up and closes the connection.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("/"));

        await app.AssertLoggedAsync("HTTP GET / abandoned by the client after");
        // Only the request log is asked: the warm-up's own calls to the black hole fail and say so, rightly.
        Assert.DoesNotContain("HTTP GET / responded", app.Output);
    }
}
