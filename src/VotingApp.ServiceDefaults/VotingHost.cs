using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace VotingApp.ServiceDefaults;

/// <summary>How every voting service creates its host: the slim builder, without configuration reload.</summary>
public static class VotingHost
{
    /// <summary>
    /// <see cref="WebApplication.CreateSlimBuilder(string[])"/> is the builder meant for Native AOT (the mesh
    /// terminates TLS). Configuration files are read once, not watched (hostBuilder:reloadConfigOnChange):
    /// watching puts an inotify watch on every folder below the content root, and settings change by a restart.
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
