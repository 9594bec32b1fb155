using Microsoft.AspNetCore.Builder;

namespace VotingApp.ServiceDefaults;

/// <summary>How every voting service creates its host: the slim builder, without configuration reload.</summary>
public static class VotingHost
{
    /// <summary>
    /// <see cref="WebApplication.CreateSlimBuilder(string[])"/> is the builder meant for Native AOT: Kestrel
    /// without HTTPS and HTTP/3 (the mesh terminates TLS), no IIS or hosting-startup scanning. Configuration
    /// files are read once, not watched: the default adds an inotify watch on every folder below the content
    /// root at start (358 when started from the repository's root, as the benchmark does: about 15 ms of CPU
    /// here), and the services' settings change by a restart anyway. hostBuilder:reloadConfigOnChange is the
    /// host setting Microsoft.Extensions.Hosting reads before it adds the appsettings files.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateSlimBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);
}
