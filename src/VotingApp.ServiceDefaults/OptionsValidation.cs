using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace VotingApp.ServiceDefaults;

/// <summary>Binds flat, operator-style variables (TITLE, REDIS_HOST, …) to typed options checked at start.</summary>
public static class OptionsValidation
{
    /// <summary>
    /// Typed settings that refuse to start the service when <paramref name="problems"/> names anything, with
    /// messages that name the variable. The caller binds them, <c>.Bind(builder.Configuration)</c>, where the
    /// type is known: there the configuration binding source generator writes the binder (Native AOT has
    /// no reflection-based one), which it cannot do for a <typeparamref name="TOptions"/> in here.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedSettings<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this IServiceCollection services,
        Func<TOptions, IEnumerable<string>> problems)
        where TOptions : class
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new ProblemValidator<TOptions>(problems));
        return services.AddOptions<TOptions>().ValidateOnStart();
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
