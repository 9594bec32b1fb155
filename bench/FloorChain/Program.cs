// The floor of three hops per page (issue 24): app → analytics → storage → Redis with nothing but Kestrel
// minimal APIs, one static HttpClient per hop and StackExchange.Redis; no logging, metrics, tracing, limits
// or resilience. scripts/bench.sh measures the voting chain as a ratio to it.
// Usage: FloorChain app|analytics|storage, listening on ASPNETCORE_HTTP_PORTS; the next hops in FLOOR_ANALYTICS
// and FLOOR_STORAGE (base addresses, for app; FLOOR_STORAGE for analytics) and FLOOR_REDIS (host:port, for storage).
using FloorChain;

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, FloorJson.Default));
var app = builder.Build();
switch (args.FirstOrDefault())
{
    case "app": app.MapFloorPage(Setting("FLOOR_ANALYTICS"), Setting("FLOOR_STORAGE")); break;
    case "analytics": app.MapFloorAnalytics(Setting("FLOOR_STORAGE")); break;
    case "storage": app.MapFloorStorage(Setting("FLOOR_REDIS")); break;
    default: throw new ArgumentException("Usage: FloorChain app|analytics|storage");
}

app.Run();

static string Setting(string name) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : throw new ArgumentException($"{name} is not set");
