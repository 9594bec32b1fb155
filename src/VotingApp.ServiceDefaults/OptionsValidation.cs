using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// The one way a configuration error is reported: every setting is checked when the service starts
/// (ValidateOnStart), and every problem found ends up in an <see cref="OptionsValidationException"/>
/// whose messages name the variables; <see cref="ServiceDefaultsExtensions.RunVotingServiceAsync"/> reports them.
/// </summary>
public static class OptionsValidation
{
    /// <summary>
    /// Typed settings that refuse to start the service when <paramref name="problems"/> names anything, with
    /// messages that name the variable. The caller binds them, <c>.Bind(builder.Configuration)</c>, where the
    /// type is known: there the configuration binding source generator writes the binder (Native AOT has
    /// no reflection-based one), which it cannot do for a <typeparamref name="TOptions"/> in here. A value
    /// the binder cannot convert (SHOWDETAILS=maybe) is reported the same way, with the binder's message.
    /// </summary>
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

    /// <summary>
    /// Settings read while the host is built (the version, the log levels, the rate limits), reported with
    /// all the others when the service starts.
    /// </summary>
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

    /// <summary>
    /// The generated binder throws InvalidOperationException ("Failed to convert configuration value
    /// 'maybe' at 'SHOWDETAILS' to type 'System.Boolean'.") while the settings are made: that is a
    /// configuration error too, told in the words of the others (<see cref="Unconvertible"/>).
    /// </summary>
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

    /// <summary>
    /// "SHOWDETAILS='yes' is not true or false." for the binder's "Failed to convert configuration value 'yes'
    /// at 'SHOWDETAILS' to type 'System.Boolean'."; any other message as it is.
    /// </summary>
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
