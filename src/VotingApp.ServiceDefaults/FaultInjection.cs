using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;

namespace VotingApp.ServiceDefaults;

/// <summary>Applies <see cref="FaultSettings"/> to every request but the infrastructure paths, before the endpoint.</summary>
public static partial class FaultInjection
{
    public const string Header = "x-voting-fault";

    internal static void AddFaultInjection(this WebApplicationBuilder builder) =>
        // Bound here, where the type is known, so the configuration binding source generator writes the binder.
        builder.Services.AddValidatedSettings<FaultSettings>(settings => settings.Problems()).Bind(builder.Configuration);

    internal static void UseFaultInjection(this WebApplication app)
    {
        // Read per request: a malformed value must stop the service with its configuration error, not fail building the pipeline.
        var options = app.Services.GetRequiredService<IOptions<FaultSettings>>();
        var injected = app.Services.GetRequiredService<IMeterFactory>().Create(TelemetryExtensions.MeterName)
            .CreateCounter<long>("voting_faults_injected", description: "Requests delayed or aborted by the FAULT_* settings");
        // Once the settings are validated: a warning, so that `kubectl logs` says why this release fails.
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (!options.Value.Enabled) return;
            var identity = app.Services.GetRequiredService<ServiceIdentity>();
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FaultInjection).FullName!);
            LogFaultsOn(logger, identity.Name, identity.Version, options.Value.Describe());
        });
        app.Use((context, next) =>
        {
            var settings = options.Value;
            return settings.Enabled && !TelemetryExtensions.IsInfrastructurePath(context.Request.Path)
                ? InjectAsync(context, next, settings, injected)
                : next(context);
        });
    }

    private static async Task InjectAsync(HttpContext context, RequestDelegate next, FaultSettings settings, Counter<long> injected)
    {
        if (settings.Delays && Random.Shared.NextDouble() * 100 < settings.DelayPercent)
        {
            injected.Add(1, new KeyValuePair<string, object?>("kind", "delay"));
            context.Response.Headers.Append(Header, "delay");
            await Task.Delay(settings.DelayMilliseconds, context.RequestAborted);
        }

        if (settings.Aborts && Random.Shared.NextDouble() * 100 < settings.AbortPercent)
        {
            injected.Add(1, new KeyValuePair<string, object?>("kind", "abort"));
            context.Response.StatusCode = settings.AbortStatus;
            context.Response.Headers.Append(Header, "abort");
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"Fault injected: FAULT_ABORT_PERCENT={settings.AbortPercent} answers {settings.AbortStatus}.\n", context.RequestAborted);
            return;
        }

        await next(context);
    }

    [LoggerMessage(LogLevel.Warning, "{Service} {Version}: fault injection is ON (FAULT_* settings): {Faults}")]
    private static partial void LogFaultsOn(ILogger logger, string service, string version, string faults);
}
