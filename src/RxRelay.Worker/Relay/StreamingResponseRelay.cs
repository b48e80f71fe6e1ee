using System.Buffers;
using System.Text;
using RxRelay.Protocol.Messages;

namespace RxRelay.Worker.Relay;

/// <summary>
/// Relays a 2xx streaming body as <c>response_chunk</c> frames, one per backend read. The next read
/// starts only after the previous frame was handed to the socket, and reads go into one pooled buffer,
/// so a request holds at most <see cref="BufferSize"/> bytes however slow the proxy is.
/// </summary>
internal static class StreamingResponseRelay
{
    /// <summary>Bytes read from the backend per chunk, at most.</summary>
    public const int BufferSize = 16 * 1024;

    // A decoder may carry up to 3 bytes of a split character into the next read.
    private static readonly int MaxChars = Encoding.UTF8.GetMaxCharCount(BufferSize + 4);

    /// <summary>Sends every chunk of <paramref name="body"/>; returns when the backend ends the body.</summary>
    public static async Task RelayAsync(
        Stream body, string requestId, IWorkerOutbound outbound, CancellationToken cancellationToken)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(BufferSize);
        var chars = ArrayPool<char>.Shared.Rent(MaxChars);
        try
        {
            // Stateful: a multi-byte character split across reads stays in the decoder until its
            // last byte arrives, instead of becoming U+FFFD (or killing the session, docs/differences-from-upstream.md#worker-stream-decoding).
            var decoder = Encoding.UTF8.GetDecoder();
            int read;
            while ((read = await body.ReadAsync(bytes.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                var count = decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
                await SendChunkAsync(requestId, chars, count, outbound, cancellationToken).ConfigureAwait(false);
            }

            // A body ending inside a character: the leftover bytes become U+FFFD, as a lossy decode would.
            var tail = decoder.GetChars(bytes, 0, 0, chars, 0, flush: true);
            await SendChunkAsync(requestId, chars, tail, outbound, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// Sends one frame unless it would be empty. A failure with the request's token still live means the
    /// socket is gone, which is not the backend's fault: it surfaces as <see cref="OutboundClosedException"/>.
    /// </summary>
    public static async ValueTask SendChunkAsync(
        string requestId, char[] chars, int count, IWorkerOutbound outbound, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return;
        }

        var chunk = new ResponseChunk(requestId, new string(chars, 0, count));
        try
        {
            await outbound.SendAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OutboundClosedException(ex);
        }
    }
}
