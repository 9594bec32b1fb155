using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Serilog;
using VotingApp.Contracts;

namespace VotingApp.ServiceDefaults;

/// <summary>What every voting service does the same way; each Program.cs calls these in one line each.</summary>
public static class ServiceDefaultsExtensions
{
    public const string DefaultPort = "8080";
    public const string LiveTag = "live";

    /// <summary>Istio's tracing headers, copied to each call so one request is one trace; not traceparent, which .NET sets to this hop.</summary>
    private static readonly string[] TracingHeaders =
        ["x-request-id", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "x-ot-span-context"];

    public static ServiceIdentity AddServiceDefaults(this WebApplicationBuilder builder, CatalogEntry service)
    {
        var identity = ServiceIdentity.FromConfiguration(service, builder.Configuration);
        builder.Services.ReportOnStart(identity.Problems());
        builder.Services.AddSingleton(identity);
        ListenOnDefaultPortUnlessConfigured(builder);
        builder.AddVotingLogging(identity);
        builder.AddVotingTelemetry(identity);
        builder.AddFaultInjection();

        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, VotingJsonContext.Default);
            options.SerializerOptions.TypeInfoResolverChain.Insert(1, DefaultsJsonContext.Default);
        });
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ErrorResponses.Customize);
        builder.Services.AddExceptionHandler<BrokenRequests>();
        builder.AddForwardedClient();
        // A cookie set on a request that reached the site over HTTPS (X-Forwarded-Proto from a declared proxy) is Secure.
        builder.Services.Configure<CookiePolicyOptions>(options => options.Secure = CookieSecurePolicy.SameAsRequest);
        builder.AddRequestLimits();
        builder.AddRateLimits();
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.AddHeaderPropagation(options =>
        {
            foreach (var header in TracingHeaders)
            {
                // Only headers that are present and not empty are forwarded.
                options.Headers.Add(header, context =>
                    string.IsNullOrWhiteSpace(context.HeaderValue) ? default : context.HeaderValue);
            }
        });
        return identity;
    }

    public static void UseServiceDefaults(this WebApplication app)
    {
        app.UseVotingRequestLogging();
        app.UseForwardedClient();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(ResponseHeaders.InvokeAsync);
        app.Use(RequestIdFilter.InvokeAsync);
        app.UseCookiePolicy();
        app.Use(HeadRequests.InvokeAsync);
        app.UseRouting();
        app.UseRateLimiter();
        app.Use(CrossOriginRequests.InvokeAsync);
        app.Use(RequestLimits.InvokeAsync);
        app.UseFaultInjection();
        app.UseHeaderPropagation();
    }

    /// <summary>/health/live, /health/ready, /version and /metrics, in every environment: probes and scrapers need them everywhere.</summary>
    public static void MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = check => check.Tags.Contains(LiveTag) }).Unlimited();
        app.MapHealthChecks("/health/ready", new() { ResponseWriter = Warmup.WriteReadinessAsync }).Unlimited();
        app.MapGet("/version", (ServiceIdentity identity, IOptions<FaultSettings> faults) =>
            TypedResults.Ok(new ServiceVersionInfo(identity.Name, identity.Version, Environment.MachineName, faults.Value.Summary())))
            .WithName("GetVersion");
        app.MapPrometheusScrapingEndpoint("/metrics").Unlimited();
    }

    /// <summary>Runs the service, or stops it with exit code 2 and one clear message when a setting is invalid.</summary>
    public static async Task<int> RunVotingServiceAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("VotingApp.Startup");
        var identity = app.Services.GetRequiredService<ServiceIdentity>();
        try
        {
            // Checked before the host starts, so that the error is not also "Hosting failed to start" with a stack trace.
            app.Services.GetService<IStartupValidator>()?.Validate();
            await app.StartAsync();
            logger.LogInformation("{Service} {Version} started on {Urls}", identity.Name, identity.Version, string.Join(", ", app.Urls));
            await app.WaitForShutdownAsync();
            return 0;
        }
        catch (Exception e) when (ConfigurationProblems(e) is { } reason)
        {
            // The reason is written once, on standard error (kubectl logs shows it); the log event only marks the stop.
            logger.LogCritical("{Service} cannot start: configuration error (the reason is on standard error)", identity.Name);
            await Console.Error.WriteLineAsync($"{identity.Name}: configuration error: {reason}");
            return 2;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
            await app.DisposeAsync();
        }
    }

    private static string? ConfigurationProblems(Exception e) => e switch
    {
        OptionsValidationException one => one.Message,
        AggregateException several when several.InnerExceptions.All(inner => inner is OptionsValidationException) =>
            string.Join(" ", several.InnerExceptions.Select(inner => inner.Message)),
        _ => null,
    };

    private static void ListenOnDefaultPortUnlessConfigured(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var configured = new[] { "urls", "http_ports", "https_ports", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS" }
            .Any(key => !string.IsNullOrWhiteSpace(configuration[key]))
            || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        if (!configured)
        {
            builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, DefaultPort);
        }
    }
}

/// <summary>The body of GET /version; <c>faults</c> only when the FAULT_* settings inject some.</summary>
public sealed record ServiceVersionInfo(string Service, string Version, string Host,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    FaultSummary? Faults = null);
