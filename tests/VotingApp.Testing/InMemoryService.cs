using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace VotingApp.Testing;

/// <summary>
/// A service in memory (WebApplicationFactory over its Program), configured only with operator-style
/// settings, as its container is: the one way tests host a service in process.
/// </summary>
public sealed class InMemoryService<TProgram>(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<TProgram>
    where TProgram : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>A client that neither follows redirects nor keeps cookies, so a test sees each 303 and Set-Cookie itself.</summary>
    public HttpClient CreateNonRedirectingClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
}
