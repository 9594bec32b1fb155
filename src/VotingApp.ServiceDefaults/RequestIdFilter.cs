namespace VotingApp.ServiceDefaults;

/// <summary>An x-request-id is kept only when it looks like one (Envoy's is a UUID), so a client cannot put markup or kilobytes in the log.</summary>
public static class RequestIdFilter
{
    public const string Header = "x-request-id";
    public const int MaxLength = 128;

    public static bool IsAcceptable(string value) =>
        value.Length is > 0 and <= MaxLength && !value.AsSpan().ContainsAnyExcept(Allowed);

    private static readonly System.Buffers.SearchValues<char> Allowed =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");

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
