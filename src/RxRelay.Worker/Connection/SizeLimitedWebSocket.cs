using System.Net.WebSockets;
using RxRelay.Protocol;

namespace RxRelay.Worker.Connection;

/// <summary>
/// The worker's WebSocket as Websocket.Client sees it: every call passes through, except that receiving
/// counts the running size of the current frame and message, and the moment either passes its limit it
/// sends close 1009 and throws <see cref="InboundTooLargeException"/>: the rest is never read, and the
/// library, which buffers a whole message before handing it on, never holds more than the limit.
/// <para>
/// .NET's WebSocket does not show frame boundaries, but it never returns bytes of two frames from one
/// receive and fills the buffer up to the end of the current frame: a receive shorter than the buffer it
/// was given therefore ends a frame. A frame that ends exactly at a buffer's end looks joined to the next
/// one; reads are made <see cref="ReadSize"/> long, a prime, so only a fragmenting proxy whose frames are
/// multiples of it could be counted long. A single-frame message (what RxRelay's and upstream's proxies
/// send) is always measured exactly.
/// </para>
/// </summary>
internal sealed class SizeLimitedWebSocket(WebSocket inner, int maxFrameBytes, int maxMessageBytes) : WebSocket
{
    /// <summary>Bytes asked for per receive at most (a prime, see the remarks above).</summary>
    public const int ReadSize = 4093;

    private long _frameBytes;
    private long _messageBytes;

    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var asked = buffer[..Math.Min(buffer.Length, ReadSize)];
        var result = await inner.ReceiveAsync(asked, cancellationToken).ConfigureAwait(false);
        await CountAsync(result.MessageType, result.Count, result.EndOfMessage, asked.Length, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var asked = buffer[..Math.Min(buffer.Count, ReadSize)];
        var result = await inner.ReceiveAsync(asked, cancellationToken).ConfigureAwait(false);
        await CountAsync(result.MessageType, result.Count, result.EndOfMessage, asked.Count, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
        => inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        => inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override void Abort() => inner.Abort();

    public override void Dispose() => inner.Dispose();

    private async ValueTask CountAsync(WebSocketMessageType type, int count, bool endOfMessage, int asked, CancellationToken cancellationToken)
    {
        if (type == WebSocketMessageType.Close)
            return;

        _frameBytes += count;
        _messageBytes += count;
        if (_frameBytes > maxFrameBytes)
            await RefuseAsync(new InboundTooLargeException("frame", maxFrameBytes), cancellationToken).ConfigureAwait(false);
        if (_messageBytes > maxMessageBytes)
            await RefuseAsync(new InboundTooLargeException("message", maxMessageBytes), cancellationToken).ConfigureAwait(false);

        if (endOfMessage)
        {
            _frameBytes = 0;
            _messageBytes = 0;
        }
        else if (count < asked)
        {
            _frameBytes = 0;
        }
    }

    private async ValueTask RefuseAsync(InboundTooLargeException refusal, CancellationToken cancellationToken)
    {
        try
        {
            await inner.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, $"{refusal.What} over {refusal.LimitBytes / WebSocketLimits.Mebibyte} MiB", cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The close is a courtesy: the session ends on the refusal either way and drops the socket.
        }

        throw refusal;
    }
}
