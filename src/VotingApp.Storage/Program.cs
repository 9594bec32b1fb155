using VotingApp.Contracts;
using VotingApp.ServiceDefaults;
using VotingApp.Storage;
using VotingApp.Storage.Stores;

var builder = VotingHost.CreateBuilder(args);
var identity = builder.AddServiceDefaults(ServiceCatalog.Storage);
builder.AddVoteStore(identity);
builder.Services.AddOpenApi();

var app = builder.Build();
app.UseServiceDefaults();
app.MapOpenApi();
app.MapVotesApi();
app.MapDefaultEndpoints();

return await app.RunVotingServiceAsync();

/// <summary>Lets WebApplicationFactory find this service in tests.</summary>
public partial class Program;
