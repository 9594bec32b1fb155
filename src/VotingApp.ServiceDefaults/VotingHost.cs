namespace VotingApp.ServiceDefaults;

/// <summary>How every voting service creates its host: the slim builder, without configuration reload.</summary>
public static class VotingHost
{
    /// <summary>Files read once, not watched (settings change by a restart); ASPNETCORE_ variables win over appsettings.Local.json.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        string[] arguments = [.. args, "--hostBuilder:reloadConfigOnChange=false"];
        var builder = WebApplication.CreateSlimBuilder(arguments);
        builder.Configuration.AddEnvironmentVariables("ASPNETCORE_").AddCommandLine(arguments);
        builder.Services.ReportOnStart(ListenSettings.Problems(builder.Configuration));
        return builder;
    }
}
