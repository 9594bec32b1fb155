using VotingApp.App;
using VotingApp.App.Page;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

var builder = VotingHost.CreateBuilder(args);
builder.AddServiceDefaults(ServiceCatalog.App);
builder.AddVotingPage();
builder.AddUpstreamClients();

var app = builder.Build();
app.UseServiceDefaults();
app.UseTrackCookie();
app.MapVotingPage();
app.MapFeatureFlag();
app.MapDefaultEndpoints();

return await app.RunVotingServiceAsync();

/// <summary>Lets WebApplicationFactory find this service in tests.</summary>
public partial class Program;
