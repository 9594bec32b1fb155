// The README's run command: dotnet run --project src/VotingApp.AppHost
// Starts storage, analytics and the app as local processes (no containers), wired together through the
// environment variables the services read (STORAGE_*, ANALYTICS_*), and prints the voting page's URL.
// Choosing Redis or MySQL, the versions and the port: docs/running-locally.md.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VotingApp.AppHost;

if (LocalRunHelp.IsAsked(args))
{
    Console.Out.WriteLine(LocalRunHelp.Text);
    return 0;
}

var builder = DistributedApplication.CreateBuilder(args);

var plan = LocalRunPlan.Read(builder.Configuration, out var configurationProblems);
var problems = configurationProblems.Count > 0 ? configurationProblems : LocalPorts.InUse(plan, builder.Configuration).ToList();
if (problems.Count > 0)
{
    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"VotingApp.AppHost: {problem}");
    }

    Console.Error.WriteLine("See docs/running-locally.md.");
    return 2;
}

// Each service gets its own settings only and listens where the AppHost says (ServiceLaunch).
var storage = builder.AddVotingService<Projects.VotingApp_Storage>("voting-storage")
    .WithEnvironment("VOTING_VERSION", plan.StorageVersion);
foreach (var (key, value) in plan.StorageEnvironment)
{
    storage.WithEnvironment(key, value);
}

var storageEndpoint = storage.GetEndpoint("http");
var analytics = builder.AddVotingService<Projects.VotingApp_Analytics>("voting-analytics")
    .WithEnvironment("VOTING_VERSION", plan.AnalyticsVersion)
    .WithEnvironment("STORAGE_HOST", storageEndpoint.Property(EndpointProperty.Host))
    .WithEnvironment("STORAGE_PORT", storageEndpoint.Property(EndpointProperty.Port));

var analyticsEndpoint = analytics.GetEndpoint("http");
// The app listens on the well-known port itself, so the printed URL is the app.
var app = builder.AddVotingService<Projects.VotingApp_App>("voting-app", plan.AppPort)
    .WithExternalHttpEndpoints()
    .WithEnvironment("VOTING_VERSION", plan.AppVersion)
    .WithEnvironment("ANALYTICS_HOST", analyticsEndpoint.Property(EndpointProperty.Host))
    .WithEnvironment("ANALYTICS_PORT", analyticsEndpoint.Property(EndpointProperty.Port))
    .WithEnvironment("STORAGE_HOST", storageEndpoint.Property(EndpointProperty.Host))
    .WithEnvironment("STORAGE_PORT", storageEndpoint.Property(EndpointProperty.Port));
foreach (var (key, value) in plan.AppEnvironment)
{
    app.WithEnvironment(key, value);
}

string[] services = [storage.Resource.Name, analytics.Resource.Name, app.Resource.Name];
builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((created, _) =>
{
    var host = created.Services;
    VotingPageAnnouncer.Start(plan, services, host.GetRequiredService<ResourceNotificationService>(),
        host.GetRequiredService<ILoggerFactory>().CreateLogger("VotingApp.AppHost"),
        host.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
    return Task.CompletedTask;
});

await builder.Build().RunAsync();
return 0;
