using System.Text;
using Microsoft.AspNetCore.Http;

namespace RxRelay.Proxy.Http;

/// <summary>
/// The streaming response (reference 4.7): started at the first chunk with 200, <c>text/event-stream</c>,
/// <c>no-cache</c> and <c>x-accel-buffering: no</c> (so nginx-style proxies do not buffer the stream);
/// each chunk written verbatim and flushed.
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

    /// <summary>Writes one chunk and flushes it; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.</summary>
    public static async Task WriteAsync(HttpContext context, string text, CancellationToken cancellationToken)
    {
        var result = await context.Response.BodyWriter.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        if (result.IsCanceled)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }
}
