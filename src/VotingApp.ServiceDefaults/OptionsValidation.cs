using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace VotingApp.ServiceDefaults;

/// <summary>Binds flat, operator-style variables (TITLE, REDIS_HOST, …) to typed options checked at start.</summary>
public static class OptionsValidation
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> from the root of the configuration and refuses to start when
    /// <paramref name="problems"/> names anything, with messages that name the variable.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedSettings<TOptions>(this IServiceCollection services,
        Microsoft.Extensions.Configuration.IConfiguration configuration, Func<TOptions, IEnumerable<string>> problems)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new ProblemValidator<TOptions>(problems));
        return services.AddOptions<TOptions>().Bind(configuration).ValidateOnStart();
    }

    private sealed class ProblemValidator<TOptions>(Func<TOptions, IEnumerable<string>> problems) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var found = problems(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
