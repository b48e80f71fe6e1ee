using System.Text;
using Microsoft.AspNetCore.Http;
using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Http;

/// <summary>
/// Writes a worker's <c>response_complete</c> as the client's response (docs/protocol.md#http-non-streaming): its status,
/// its headers, its body. Framing headers are never copied: Kestrel sets <c>Content-Length</c> itself, so
/// a worker's <c>transfer-encoding</c> (which upstream replays) cannot corrupt the response. The headers
/// the CORS layer owns keep the proxy's value (<see cref="CorsMiddleware.Owns"/>).
/// </summary>
internal static class WorkerResponseWriter
{
    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection", "upgrade", "te", "trailer",
        // The proxy sets the request's own id before the answer arrives; a backend's echo would only duplicate it.
        Monitoring.RequestIds.Header,
    };

    /// <summary>
    /// Writes the whole response. A status outside 100–999 becomes an empty 502, as upstream; so does an
    /// informational 1xx, which cannot be a final response (upstream would emit it as one).
    /// </summary>
    public static async Task WriteAsync(HttpContext context, ResponseComplete complete)
    {
        if (complete.StatusCode is < 200 or > 999)
        {
            PlainTextResponses.Empty(context, StatusCodes.Status502BadGateway);
            return;
        }

        var response = context.Response;
        response.StatusCode = complete.StatusCode;
        foreach (var (name, value) in complete.Headers)
        {
            if (!NotCopied.Contains(name) && !CorsMiddleware.Owns(name) && IsToken(name) && IsFieldValue(value))
            {
                response.Headers.Append(name, value);
            }
        }

        if (complete.StatusCode is 204 or 304)
        {
            return; // these statuses carry no body; Kestrel refuses one
        }

        var body = Encoding.UTF8.GetBytes(complete.Body ?? string.Empty);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>RFC 9110 token characters.</summary>
    public static bool IsToken(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            var ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
                || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsFieldValue(string value) => WorkerSockets.HeaderText.IsVisibleAscii(value);
}
