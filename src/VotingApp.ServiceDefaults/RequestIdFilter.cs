using Microsoft.AspNetCore.Http;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// Keeps a client-sent x-request-id only when it looks like one: at most 128 characters of letters, digits
/// and <c>-_.:</c> (Envoy's own is a 36-character UUID; Istio's gateway sets it on every request it
/// forwards). Anything else is dropped before it is logged or propagated to the other services, so a client
/// cannot put line breaks, markup or kilobytes into the log through it.
/// </summary>
public static class RequestIdFilter
{
    public const string Header = "x-request-id";
    public const int MaxLength = 128;

    public static bool IsAcceptable(string value)
    {
        if (value.Length is 0 or > MaxLength) return false;
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')) return false;
        }

        return true;
    }

    internal static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Request.Headers;
        if (headers.TryGetValue(Header, out var values) && (values.Count != 1 || !IsAcceptable(values[0] ?? "")))
        {
            headers.Remove(Header);
        }

        return next(context);
    }
}
