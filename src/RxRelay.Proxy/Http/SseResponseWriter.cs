using System.Text;
using Microsoft.AspNetCore.Http;

namespace RxRelay.Proxy.Http;

/// <summary>
/// The streaming response (docs/protocol.md#http-streaming): started at the first chunk with 200, <c>text/event-stream</c>,
/// <c>no-cache</c> and <c>x-accel-buffering: no</c> (so nginx-style proxies do not buffer the stream);
/// chunks written verbatim, straight into Kestrel's output pipe as UTF-8, and flushed once per batch of
/// chunks that were already waiting (one socket write for them, not one each).
/// </summary>
internal static class SseResponseWriter
{
    /// <summary>Sets the status and headers; nothing is sent until the first write.</summary>
    public static void Start(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["x-accel-buffering"] = "no";
    }

    /// <summary>Buffers one chunk in the response pipe without sending it; returns the bytes buffered.</summary>
    public static long Write(HttpContext context, string text)
        => Encoding.UTF8.GetBytes(text.AsSpan(), context.Response.BodyWriter);

    /// <summary>Sends what was buffered; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.</summary>
    public static async Task FlushAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var result = await context.Response.BodyWriter.FlushAsync(cancellationToken);
        if (result.IsCanceled)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }
}
