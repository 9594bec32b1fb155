using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

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
    /// The ASPNETCORE_ variables (ASPNETCORE_HTTP_PORTS, ASPNETCORE_URLS) are read before the appsettings files,
    /// so the port of appsettings.Local.json (a service run by hand) would beat them: read again after
    /// the files, and the command line after them, the environment wins as it does for every other setting.
    /// Where the service listens is checked with every other setting when it starts (<see cref="ListenSettings"/>).
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        string[] arguments = [.. args, "--hostBuilder:reloadConfigOnChange=false"];
        var builder = WebApplication.CreateSlimBuilder(arguments);
        builder.Configuration.AddEnvironmentVariables("ASPNETCORE_").AddCommandLine(arguments);
        builder.Services.ReportOnStart(ListenSettings.Problems(builder.Configuration));
        return builder;
    }
}
