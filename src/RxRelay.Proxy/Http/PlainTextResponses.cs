using System.Text;
using Microsoft.AspNetCore.Http;

namespace RxRelay.Proxy.Http;

/// <summary>The plain-text error responses of the inference routes (docs/protocol.md#http-failures).</summary>
internal static class PlainTextResponses
{
    /// <summary>Body of a 413 (axum's text, kept verbatim).</summary>
    public const string BodyTooLarge = "Failed to buffer the request body: length limit exceeded";

    /// <summary>Body of the 503 while the proxy shuts down.</summary>
    public const string ShuttingDown = "Service temporarily unavailable while workers shut down";

    /// <summary>503, <c>text/plain; charset=utf-8</c>, <c>x-content-type-options: nosniff</c>, body <paramref name="message"/> + "\n".</summary>
    public static Task WriteUnavailableAsync(HttpContext context, string message)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return WriteAsync(context, StatusCodes.Status503ServiceUnavailable, message + "\n");
    }

    /// <summary>A text/plain response with an exact body and Content-Length.</summary>
    public static Task WriteAsync(HttpContext context, int status, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes).AsTask();
    }

    /// <summary>A response with a status and no body (and no content-type).</summary>
    public static void Empty(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        if (status != StatusCodes.Status204NoContent)
        {
            context.Response.ContentLength = 0; // 204 must not carry Content-Length at all
        }
    }
}
