using VotingApp.Analytics;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

var builder = VotingHost.CreateBuilder(args);
builder.AddServiceDefaults(ServiceCatalog.Analytics);
builder.AddStorageClient();
builder.Services.AddSingleton<ResultsWriter>();
builder.Services.AddSingleton<AnalyticsMetrics>();

var app = builder.Build();
app.UseServiceDefaults();
app.MapAnalyticsApi();
app.MapDefaultEndpoints();

return await app.RunVotingServiceAsync();

/// <summary>Lets WebApplicationFactory find this service in tests.</summary>
public partial class Program;
