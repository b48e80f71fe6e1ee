using System.Text;
using Microsoft.Extensions.Logging;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Metrics;

namespace RxRelay.Worker.Relay;

/// <summary>
/// Runs one request against the backend and returns the completion that ends it. Backend failures
/// become that request's 502 completion; they never escape to end the session (docs/differences-from-upstream.md#worker-backend-failure).
/// Throws only when the request was aborted or the outbound socket is gone (<see cref="OutboundClosedException"/>).
/// </summary>
internal sealed class RequestRelay(BackendHttp backend, IWorkerOutbound outbound, ILogger logger, TimeProvider timeProvider, WorkerMetrics? metrics)
{
    public async Task<ResponseComplete> ExecuteAsync(RelayedRequest relayed)
    {
        var request = relayed.Request;
        using var message = CreateBackendRequest(request);
        HttpResponseMessage response;
        var sentAt = timeProvider.GetTimestamp();
        try
        {
            response = await backend.Client
                .SendAsync(message, HttpCompletionOption.ResponseHeadersRead, relayed.Token)
                .ConfigureAwait(false);
            // The first bytes of the backend's answer are its status line and headers.
            metrics?.RecordBackendTimeToFirstByte(timeProvider.GetElapsedTime(sentAt));
        }
        catch (Exception ex) when (!relayed.IsAborted)
        {
            logger.BackendUnavailable(request.RequestId, ex);
            return RelayErrors.BackendUnavailable(request.RequestId);
        }

        using (response)
        {
            try
            {
                return await RelayResponseAsync(relayed, response).ConfigureAwait(false);
            }
            catch (Exception ex) when (!relayed.IsAborted && ex is not OutboundClosedException)
            {
                // Chunks already sent stay sent; this completion ends the stream with the error.
                logger.BackendReadFailed(request.RequestId, ex);
                return RelayErrors.BackendError(request.RequestId);
            }
        }
    }

    private async Task<ResponseComplete> RelayResponseAsync(RelayedRequest relayed, HttpResponseMessage response)
    {
        var request = relayed.Request;
        var status = (ushort)response.StatusCode;
        var headers = HeaderFilter.ResponseHeaders(response);
        var body = await response.Content.ReadAsStreamAsync(relayed.Token).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            // A non-2xx answer to a streaming request goes back whole, so the client sees the real
            // status and error body instead of a 200 stream of error text (docs/differences-from-upstream.md#worker-streaming-status).
            if (request.IsStreaming && response.IsSuccessStatusCode)
            {
                await StreamingResponseRelay.RelayAsync(body, request.RequestId, outbound, relayed.Token).ConfigureAwait(false);
                return new ResponseComplete(request.RequestId, status, headers, string.Empty);
            }

            var text = await ReadLossyAsync(body, relayed.Token).ConfigureAwait(false);
            return new ResponseComplete(request.RequestId, status, headers, text);
        }
    }

    /// <summary>The POST the backend receives: the body's exact UTF-8 bytes and the filtered headers.</summary>
    internal HttpRequestMessage CreateBackendRequest(WorkerRequest request)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(request.Body));
        var contentType = FindHeader(request.Headers, "content-type");
        if (contentType is null || !HeaderFilter.IsVisibleAscii(contentType)
            || !content.Headers.TryAddWithoutValidation("Content-Type", contentType))
        {
            content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        }

        var message = new HttpRequestMessage(HttpMethod.Post, backend.UriFor(request.EndpointPath)) { Content = content };
        HeaderFilter.CopyRequestHeaders(request.Headers, message);
        return message;
    }

    private static async Task<string> ReadLossyAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, StreamingResponseRelay.BufferSize, cancellationToken).ConfigureAwait(false);
        // Encoding.UTF8 replaces invalid bytes with U+FFFD rather than failing the request.
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    internal static string? FindHeader(IReadOnlyDictionary<string, string> headers, string name)
    {
        foreach (var (key, value) in headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
