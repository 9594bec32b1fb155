using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.App.Page;

public static class VotingPageRegistration
{
    public static void AddVotingPage(this WebApplicationBuilder builder)
    {
        builder.Services.AddValidatedSettings<AppSettings>(settings => settings.Problems()).Bind(builder.Configuration);
        builder.Services.AddValidatedSettings<Ballot>(ballot => ballot.Problems()).Bind(builder.Configuration);
        builder.Services.AddSingleton<VotingPage>();
        builder.Services.AddSingleton<ResetThrottle>();
        // First: the problem-details service asks its writers in order, and the default one takes a browser's Accept (*/*) too.
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter>(_ => new BrowserProblemPages()));
    }
}
