using System.Text.Json;
using System.Text.Json.Serialization;

namespace VotingApp.ServiceDefaults;

/// <summary>The JSON every service writes the same way: GET /version and problem answers (the services' own: VotingJsonContext).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ServiceVersionInfo))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))]
[JsonSerializable(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))]
internal sealed partial class DefaultsJsonContext : JsonSerializerContext;
