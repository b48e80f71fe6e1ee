using System.Text;
using RxRelay.Protocol;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Cluster;

/// <summary>How the relay of a peer's answer ended.</summary>
internal enum PeerAnswerEnd
{
    /// <summary>The whole answer reached the request's stream.</summary>
    Served,

    /// <summary>The request ended here first (client gone, too slow); the peer call was abandoned.</summary>
    Abandoned,

    /// <summary>The answer broke off (peer died, connection reset): reported as <see cref="PeerFailure.Lost"/>.</summary>
    Broken,
}

/// <summary>
/// Turns a peer's answer (<see cref="PeerOutcome.Streaming"/>) into the forwarded request's events, so the client's
/// handler relays it exactly as a local worker's: a streamed answer (<see cref="PeerProtocol.AnswerHeader"/>) chunk by
/// chunk as its bytes arrive (UTF-8 split across reads is reassembled), then the end; any other answer as one
/// <see cref="ResponseComplete"/> with the peer's status, headers and body.
/// </summary>
internal static class PeerAnswer
{
    /// <summary>Headers of the peer's own HTTP framing, never part of the worker's answer.</summary>
    private static readonly HashSet<string> Framing = new(StringComparer.OrdinalIgnoreCase)
    {
        "date", "server", "content-length", "transfer-encoding", "connection", "keep-alive",
        PeerProtocol.AnswerHeader, PeerProtocol.RefusalHeader,
    };

    /// <summary>Relays the answer into the request's stream; <paramref name="token"/> abandons it.</summary>
    public static async Task<PeerAnswerEnd> RelayAsync(Dispatcher dispatcher, string requestId, HttpResponseMessage response, CancellationToken token)
    {
        try
        {
            return response.Headers.Contains(PeerProtocol.AnswerHeader)
                ? await StreamAsync(dispatcher, requestId, response, token).ConfigureAwait(false)
                : await CompleteAsync(dispatcher, requestId, response, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return PeerAnswerEnd.Abandoned;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException or InvalidDataException)
        {
            dispatcher.OnPeerFailed(requestId, PeerFailure.Lost);
            return PeerAnswerEnd.Broken;
        }
    }

    private static async Task<PeerAnswerEnd> StreamAsync(Dispatcher dispatcher, string requestId, HttpResponseMessage response, CancellationToken token)
    {
        var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        await using var _ = body.ConfigureAwait(false);
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        while (true)
        {
            var read = await body.ReadAsync(bytes, token).ConfigureAwait(false);
            var count = decoder.GetChars(bytes, 0, read, chars, 0, flush: read == 0);
            if (count > 0 && !dispatcher.OnPeerChunk(requestId, new string(chars, 0, count)))
            {
                return PeerAnswerEnd.Abandoned;
            }

            if (read == 0)
            {
                break;
            }
        }

        dispatcher.OnPeerComplete(requestId, new ResponseComplete(requestId, 200, new Dictionary<string, string>(), null));
        return PeerAnswerEnd.Served;
    }

    private static async Task<PeerAnswerEnd> CompleteAsync(Dispatcher dispatcher, string requestId, HttpResponseMessage response, CancellationToken token)
    {
        var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
        await using var _ = body.ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, token).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > WebSocketLimits.MaxMessageBytes)
            {
                throw new InvalidDataException("peer answer larger than a worker message can be");
            }

            buffer.Write(chunk, 0, read);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!Framing.Contains(name))
            {
                headers[name.ToLowerInvariant()] = string.Join(", ", values);
            }
        }

        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        dispatcher.OnPeerComplete(requestId, new ResponseComplete(requestId, (ushort)response.StatusCode, headers, text));
        return PeerAnswerEnd.Served;
    }
}
