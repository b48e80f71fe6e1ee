using System.Buffers;
using System.Net.WebSockets;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>One whole WebSocket message from a worker: its type and its bytes (valid until the next read).</summary>
internal readonly record struct WorkerFrame(WebSocketMessageType Type, ReadOnlyMemory<byte> Payload);

/// <summary>
/// Reassembles WebSocket messages from a worker, up to <see cref="MaxMessageBytes"/> (64 MiB, the
/// tungstenite default upstream uses). Owns one growing pooled buffer per socket.
/// </summary>
internal sealed class WorkerFrameReader(WebSocket socket) : IDisposable
{
    /// <summary>Largest accepted message; larger is a read error (the worker is treated as gone).</summary>
    public const int MaxMessageBytes = 64 * 1024 * 1024;

    private byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);

    /// <summary>Reads the next whole message. Close frames come back with type <see cref="WebSocketMessageType.Close"/>.</summary>
    /// <exception cref="WebSocketException">The socket failed or the message exceeded the limit.</exception>
    public async Task<WorkerFrame> ReadAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Grow(length);
            }

            var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            length += result.Count;
            if (result.MessageType == WebSocketMessageType.Close || result.EndOfMessage)
            {
                return new WorkerFrame(result.MessageType, buffer.AsMemory(0, length));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = [];
    }

    private void Grow(int length)
    {
        if (length >= MaxMessageBytes)
        {
            throw new WebSocketException(WebSocketError.Faulted, "worker message exceeds 64 MiB");
        }

        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)length * 2, MaxMessageBytes));
        buffer.AsSpan(0, length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        buffer = bigger;
    }
}
