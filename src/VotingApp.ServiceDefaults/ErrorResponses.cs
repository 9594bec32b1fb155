using System.Diagnostics;

namespace VotingApp.ServiceDefaults;

/// <summary>A failure told as a plain sentence and the trace id, never the exception's text (it names hosts, users, ports).</summary>
public static class ErrorResponses
{
    /// <summary>The W3C trace id of the request (as the tracing backend and the JSON log show it).</summary>
    public static string TraceId(HttpContext context) =>
        Activity.Current is { } activity && activity.TraceId != default ? activity.TraceId.ToHexString() : context.TraceIdentifier;

    /// <summary>Every problem-details answer carries the trace id; a bare 413 says why.</summary>
    internal static void Customize(ProblemDetailsContext problem)
    {
        problem.ProblemDetails.Extensions["traceId"] = TraceId(problem.HttpContext);
        if (problem.ProblemDetails.Status == StatusCodes.Status413PayloadTooLarge && problem.ProblemDetails.Detail is null)
        {
            problem.ProblemDetails.Detail = RequestLimits.TooLargeDetail;
        }
    }

    /// <summary>Writes a problem-details answer (JSON), or the same sentence as plain text when the caller accepts no JSON.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetService<IProblemDetailsService>();
        if (problems is not null && await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = status, Title = title, Detail = detail },
            }))
        {
            return;
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync($"{status} {title}: {detail} (trace id {TraceId(context)})\n");
    }
}
