using System.Net;
using Microsoft.AspNetCore.HeaderPropagation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Polly.Timeout;
using VotingApp.ServiceDefaults;
using VotingApp.Testing;

namespace VotingApp.App.Tests;

/// <summary>How the clients to another service call it: the read breaker counts only calls the upstream got; no cookie jar, no redirects.</summary>
public class UpstreamClientTests
{
    public sealed class ReadProbe(HttpClient http)
    {
        public HttpClient Http => http;
    }

    [Fact]
    public async Task Refused_connections_do_not_open_the_breaker_so_the_upstream_is_used_as_soon_as_it_listens()
    {
        var port = FreePort.Next();
        var services = new ServiceCollection().AddLogging().AddHeaderPropagation();
        services.AddReadClient<ReadProbe>(_ => new Uri($"http://127.0.0.1:{port}"));
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<HeaderPropagationValues>().Headers = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        var http = provider.GetRequiredService<ReadProbe>().Http;

        // 12 reads, at least 20 refused tries: well over the breaker's minimum of 8, all failed. The first read of
        // a fresh test process may instead time out (the client's code compiled on the way, past the 0.8 s bound).
        var refused = 0;
        for (var i = 0; i < 12; i++)
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => http.GetAsync("/"));
            Assert.True(UpstreamCall.IsRefused(failure) || failure is TimeoutRejectedException, failure.ToString());
            if (UpstreamCall.IsRefused(failure)) refused++;
        }

        Assert.True(refused >= 10, $"only {refused} of 12 reads were refused");

        await using var upstream = await LoopbackWebHost.StartAsync(port, context => context.Response.WriteAsync("counts"));
        // An open breaker would refuse this read for a second (BrokenCircuitException) without trying.
        using var response = await http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Upstream_clients_keep_no_cookie_and_follow_no_redirect()
    {
        var port = FreePort.Next();
        var cookiesSeen = new List<string>();
        var redirectsFollowed = 0;
        await using var upstream = await LoopbackWebHost.StartAsync(port, context =>
        {
            switch (context.Request.Path.Value)
            {
                case "/moved":
                    context.Response.Redirect("/elsewhere");
                    return Task.CompletedTask;
                case "/elsewhere":
                    Interlocked.Increment(ref redirectsFollowed);
                    return Task.CompletedTask;
                default:
                    lock (cookiesSeen) cookiesSeen.Add(context.Request.Headers.Cookie.ToString());
                    context.Response.Headers.SetCookie = "session=first-visitor; Path=/";
                    return context.Response.WriteAsync("counts");
            }
        });

        var services = new ServiceCollection().AddLogging().AddHeaderPropagation();
        services.AddReadClient<ReadProbe>(_ => new Uri($"http://127.0.0.1:{port}"));
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<HeaderPropagationValues>().Headers = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);

        // Two visitors' reads through the pooled handler: the second must not carry the first one's cookie.
        for (var i = 0; i < 2; i++)
        {
            using var read = await provider.GetRequiredService<ReadProbe>().Http.GetAsync("/counts");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        }

        Assert.Equal(["", ""], cookiesSeen);
        using var moved = await provider.GetRequiredService<ReadProbe>().Http.GetAsync("/moved");
        Assert.Equal(HttpStatusCode.Redirect, moved.StatusCode);
        Assert.Equal(0, redirectsFollowed);
    }
}
