using VotingApp.Analytics;
using VotingApp.ServiceDefaults;

var builder = VotingHost.CreateBuilder(args);
builder.AddServiceDefaults(VotingService.Analytics);
builder.AddStorageReader();
builder.Services.AddSingleton<AnalyticsMetrics>();

var app = builder.Build();
app.UseServiceDefaults();
app.MapAnalyticsApi();
app.MapDefaultEndpoints();

return await app.RunVotingServiceAsync();

/// <summary>Lets WebApplicationFactory find this service in tests.</summary>
public partial class Program;
