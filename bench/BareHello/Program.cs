// The bare Kestrel endpoint that scripts/bench.sh measures the voting services against: GET / answers a
// short page and POST / answers 303, as the voting app does, with nothing else in the pipeline.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.MapGet("/", () => Results.Content("<html><body><div id=\"results\"> hello </div></body></html>", "text/html; charset=utf-8"));
app.MapPost("/", (HttpContext context) =>
{
    context.Response.StatusCode = StatusCodes.Status303SeeOther;
    context.Response.Headers.Location = "/";
});
app.Run();
