using System.Diagnostics;
using VotingApp.App.Page;

namespace VotingApp.App.Tests;

/// <summary>With no exporter set, the services make spans only to pass the trace context on: nothing reads their data, so none is made.</summary>
public class UnexportedSpansTests
{
    [Fact]
    public async Task A_refused_call_to_an_upstream_puts_no_exception_on_its_span_and_the_trace_stays_sampled()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var calls = new List<Activity>();
        // Only watches: the services' own listener decides what is sampled.
        using var watcher = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId) lock (calls) calls.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(watcher);
        await using var app = AppFactory.WithUpstreamsDown();
        using var client = app.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("traceparent", $"00-{traceId}-b7ad6b7169203331-01");
        using var response = await client.SendAsync(request);

        Assert.Contains(VotingPage.UnavailableText, await response.Content.ReadAsStringAsync());
        lock (calls)
        {
            Assert.NotEmpty(calls); // each try to reach analytics, refused
            // HttpClient adds a failed call's exception to its span as an event, built with Exception.ToString: a
            // stack trace per failed call (and ~10 ms of CPU for the first one, at start) that no exporter would send.
            Assert.All(calls, call =>
            {
                Assert.Empty(call.Events);
                Assert.True(call.Recorded, "the traceparent sent upstream must still say sampled (-01)");
            });
        }
    }
}
