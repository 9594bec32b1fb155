using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace VotingApp.ServiceDefaults;

/// <summary>The one way a configuration error is reported: ValidateOnStart, messages that name the variable, exit code 2.</summary>
public static class OptionsValidation
{
    /// <summary>Typed settings checked at start; the caller binds them, where the binding generator sees the type.</summary>
    public static OptionsBuilder<TOptions> AddValidatedSettings<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this IServiceCollection services,
        Func<TOptions, IEnumerable<string>> problems)
        where TOptions : class
    {
        services.AddSingleton<IOptionsFactory<TOptions>>(provider => new ConversionReportingFactory<TOptions>(new OptionsFactory<TOptions>(
            provider.GetServices<IConfigureOptions<TOptions>>(),
            provider.GetServices<IPostConfigureOptions<TOptions>>(),
            provider.GetServices<IValidateOptions<TOptions>>())));
        services.AddSingleton<IValidateOptions<TOptions>>(new ProblemValidator<TOptions>(problems));
        return services.AddOptions<TOptions>().ValidateOnStart();
    }

    /// <summary>Problems of settings read while the host is built, reported with all the others at start.</summary>
    public static void ReportOnStart(this IServiceCollection services, IEnumerable<string> problems)
    {
        var found = problems.ToList();
        services.AddSingleton<IValidateOptions<ReadWhileBuilding>>(new ProblemValidator<ReadWhileBuilding>(_ => found));
        services.AddOptions<ReadWhileBuilding>().ValidateOnStart();
    }

    /// <summary>The settings of <see cref="ReportOnStart"/>; only their problems are kept.</summary>
    private sealed class ReadWhileBuilding;

    private sealed class ProblemValidator<TOptions>(Func<TOptions, IEnumerable<string>> problems) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var found = problems(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }

    /// <summary>A value the generated binder cannot convert is a configuration error too, told in the words of the others.</summary>
    private sealed class ConversionReportingFactory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(OptionsFactory<TOptions> factory) : IOptionsFactory<TOptions>
        where TOptions : class
    {
        public TOptions Create(string name)
        {
            try
            {
                return factory.Create(name);
            }
            catch (InvalidOperationException e)
            {
                throw new OptionsValidationException(name, typeof(TOptions), [Unconvertible(e.Message)]);
            }
        }
    }

    /// <summary>"SHOWDETAILS='yes' is not true or false." for the binder's "Failed to convert configuration value 'yes' at 'SHOWDETAILS' …".</summary>
    public static string Unconvertible(string binderMessage)
    {
        var match = System.Text.RegularExpressions.Regex.Match(binderMessage,
            @"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']*)' to type '(?<type>[^']*)'");
        if (!match.Success) return binderMessage;
        var (value, key) = (match.Groups["value"].Value, match.Groups["key"].Value);
        var allowed = match.Groups["type"].Value switch
        {
            "System.Int32" when key.EndsWith("PORT", StringComparison.OrdinalIgnoreCase) => "a port number (1-65535)",
            "System.Int32" or "System.Int64" => "a whole number",
            "System.Double" or "System.Decimal" => "a number",
            "System.Boolean" => "true or false",
            "System.TimeSpan" => "a duration such as 00:00:30",
            var type => $"a {type[(type.LastIndexOf('.') + 1)..]}",
        };
        return $"{key}='{value}' is not {allowed}.";
    }
}
