using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VotingApp.ServiceDefaults;

/// <summary>/health/ready's body: the status and a line per failing check, so that a failed probe's event says why.</summary>
public static class ReadinessResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder(report.Status.ToString());
        foreach (var (name, entry) in report.Entries.Where(entry => entry.Value.Status != HealthStatus.Healthy).OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append(": ").Append(entry.Description ?? entry.Exception?.Message ?? entry.Status.ToString());
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString());
    }
}
