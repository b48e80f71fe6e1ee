using System.Buffers;
using System.Net.WebSockets;
using RxRelay.Protocol.WebSockets;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>One whole WebSocket message from a worker: its type and its bytes (valid until the next read).</summary>
internal readonly record struct WorkerFrame(WebSocketMessageType Type, ReadOnlyMemory<byte> Payload);

/// <summary>A worker sent a frame or message over the limits of <see cref="WorkerSocketLimits"/>; the socket must be closed 1009.</summary>
internal sealed class WorkerFrameTooBigException(string reason) : Exception(reason);

/// <summary>
/// Reassembles WebSocket messages from a worker within <see cref="WorkerSocketLimits"/>. The
/// <paramref name="guard"/> under the socket reads every frame header, so a frame over the frame limit, or
/// one that takes its message over the message limit, is refused from its header, before its payload is
/// read; neither is buffered. Messages that arrived before the refused one are still returned. The buffer
/// grows while a large message arrives and is given back when the next read starts, so an idle socket holds
/// only <see cref="WorkerSocketLimits.DefaultBufferBytes"/>.
/// </summary>
/// <param name="socket">The worker's socket; this is its only reader.</param>
/// <param name="guard">The frame-header guard under the socket; null where the socket was not upgraded through it (frames are then only bounded by the message limit, as the buffer grows).</param>
internal sealed class WorkerFrameReader(WebSocket socket, FrameHeaderGuard? guard = null) : IDisposable
{
    private long _messagesRead;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(WorkerSocketLimits.DefaultBufferBytes);

    /// <summary>Current buffer size (for tests).</summary>
    internal int BufferLength => _buffer.Length;

    /// <summary>Reads the next whole message. Close frames come back with type <see cref="WebSocketMessageType.Close"/>.</summary>
    /// <exception cref="WebSocketException">The socket failed.</exception>
    /// <exception cref="WorkerFrameTooBigException">A frame or the message is over the limit; nothing more should be read.</exception>
    public async Task<WorkerFrame> ReadAsync(CancellationToken cancellationToken)
    {
        Shrink();
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                Grow(length);
            }

            var result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
            var isClose = result.MessageType == WebSocketMessageType.Close;
            if (!isClose && guard is not null && guard.Refuses(_messagesRead))
            {
                throw new WorkerFrameTooBigException(
                    guard.Verdict == FrameLimitVerdict.FrameTooBig ? WorkerSocketLimits.FrameTooBig : WorkerSocketLimits.MessageTooBig);
            }

            length += result.Count;
            if (isClose || result.EndOfMessage)
            {
                _messagesRead += isClose ? 0 : 1;
                return new WorkerFrame(result.MessageType, _buffer.AsMemory(0, length));
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Release(_buffer);
        _buffer = [];
    }

    private void Grow(int length)
    {
        if (length >= WorkerSocketLimits.MaxMessageBytes)
        {
            throw new WorkerFrameTooBigException(WorkerSocketLimits.MessageTooBig);
        }

        var size = (int)Math.Min((long)length * 2, WorkerSocketLimits.MaxMessageBytes);
        var bigger = size <= WorkerSocketLimits.MaxPooledBufferBytes
            ? ArrayPool<byte>.Shared.Rent(size)
            : GC.AllocateUninitializedArray<byte>(size);
        _buffer.AsSpan(0, length).CopyTo(bigger);
        Release(_buffer);
        _buffer = bigger;
    }

    /// <summary>After a large message, goes back to the default buffer (the previous payload is no longer valid).</summary>
    private void Shrink()
    {
        if (_buffer.Length > WorkerSocketLimits.DefaultBufferBytes)
        {
            Release(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(WorkerSocketLimits.DefaultBufferBytes);
        }
    }

    // Large buffers are not pooled: the shared pool would keep them (and their memory) after the worker left.
    private static void Release(byte[] array)
    {
        if (array.Length is > 0 and <= WorkerSocketLimits.MaxPooledBufferBytes)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
