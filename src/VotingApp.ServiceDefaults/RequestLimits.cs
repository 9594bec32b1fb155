using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace VotingApp.ServiceDefaults;

/// <summary>
/// How much a request may carry. The largest body any endpoint of the three services takes is a vote (the
/// page's form: vote=…, plus a token of a few dozen characters; or storage's JSON {"option":"…"}), a few
/// hundred bytes at most: 1 KiB leaves room and refuses the 30 MB that Kestrel accepts by default. A
/// declared Content-Length over the bound is refused at once with 413; a chunked body is cut by Kestrel at
/// the same bound. Forms: urlencoded only (no multipart, so nothing is spooled to /tmp), few short fields.
/// No Server header: the answer does not say what runs behind it.
/// </summary>
public static class RequestLimits
{
    public const int MaxBodyBytes = 1024;

    public const string TooLargeDetail = "The request body is larger than the 1024 bytes this service accepts.";

    internal static void AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
        });
        builder.Services.Configure<FormOptions>(form =>
        {
            form.BufferBody = false;
            form.ValueCountLimit = 8;
            form.KeyLengthLimit = 64;
            form.ValueLengthLimit = MaxBodyBytes;
            form.MultipartBodyLengthLimit = MaxBodyBytes;
        });
    }

    internal static Task InvokeAsync(HttpContext context, RequestDelegate next) =>
        context.Request.ContentLength is > MaxBodyBytes and var length
            ? ErrorResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"The request body is {length} bytes; this service accepts at most {MaxBodyBytes}.")
            : next(context);

    /// <summary>True for a body sent as application/x-www-form-urlencoded (the only form the page sends).</summary>
    public static bool IsUrlEncodedForm(HttpRequest request) =>
        request.ContentType is { } type
        && type.AsSpan().TrimStart().StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
}
