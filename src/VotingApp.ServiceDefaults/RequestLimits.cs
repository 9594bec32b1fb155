using System.Buffers;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;

namespace VotingApp.ServiceDefaults;

/// <summary>Bodies of at most 1 KiB, read before the endpoint: Kestrel alone resets an unread oversized body, hiding the 413.</summary>
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

    /// <summary>An oversized body is drained up to this size before the 413, so that the client is not reset before it reads it.</summary>
    private const int DrainBytes = 64 * 1024;

    internal static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.ContainsKey("Transfer-Encoding"));
        return hasBody ? ReadBoundedAsync(context, next) : next(context);
    }

    private static async Task ReadBoundedAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (request.ContentLength is > DrainBytes and var declared)
        {
            await TooLargeAsync(context, $"The request body is {declared} bytes; this service accepts at most {MaxBodyBytes}.");
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = DrainBytes;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            int length;
            try
            {
                length = await request.Body.ReadAtLeastAsync(buffer.AsMemory(0, MaxBodyBytes + 1), MaxBodyBytes + 1, throwOnEndOfStream: false, context.RequestAborted);
                if (length > MaxBodyBytes) await request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                length = MaxBodyBytes + 1;
            }
            catch (IOException e) when (e is not BadHttpRequestException && !context.RequestAborted.IsCancellationRequested)
            {
                // Kestrel reports an overflowing chunk size (ffffffffffffffff) as a bare IOException, not its BadHttpRequestException.
                throw new BadHttpRequestException($"The request body is malformed: {e.Message}", StatusCodes.Status400BadRequest, e);
            }

            if (length > MaxBodyBytes)
            {
                await TooLargeAsync(context, request.ContentLength is { } sent
                    ? $"The request body is {sent} bytes; this service accepts at most {MaxBodyBytes}."
                    : TooLargeDetail);
                return;
            }

            request.Body = new MemoryStream(buffer, 0, length, writable: false);
            await next(context);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Task TooLargeAsync(HttpContext context, string detail) =>
        ErrorResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large", detail);
}

/// <summary>A body the client broke is Kestrel's 400, 408 or 413, not an error or a 5xx that would fail a canary.</summary>
internal sealed partial class BrokenRequests(ILogger<BrokenRequests> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException broken) return false;
        LogBroken(logger, broken.StatusCode, broken.Message);
        var (title, detail) = broken.StatusCode switch
        {
            StatusCodes.Status408RequestTimeout => ("Request body too slow", "The request body arrived too slowly, or stopped arriving; send it whole and promptly."),
            StatusCodes.Status413PayloadTooLarge => ("Request body too large", RequestLimits.TooLargeDetail),
            _ => ("Malformed request body", "The request body could not be read: it is malformed (e.g. a chunk size that is not a number) or ended before its declared length."),
        };
        await ErrorResponses.WriteAsync(context, broken.StatusCode, title, detail);
        return true;
    }

    [LoggerMessage(LogLevel.Debug, "Request body refused with {StatusCode}: {Reason}")]
    private static partial void LogBroken(ILogger logger, int statusCode, string reason);
}
