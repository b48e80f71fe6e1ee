using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using RxRelay.Protocol;
using RxRelay.Protocol.WebSockets;

namespace RxRelay.Worker.Connection;

/// <summary>
/// The worker's WebSocket as Websocket.Client sees it: every call passes through, except that each receive
/// asks the <paramref name="guard"/> under the socket (on its connection stream, see
/// <see cref="WebsocketProxyLink"/>) whether the message being read is refused. The guard reads every
/// frame header exactly, so a frame over the frame limit, or one that takes its message over the message
/// limit, is refused from its header: this sends close 1009 and throws <see cref="InboundTooLargeException"/>
/// after at most one receive buffer of its payload, the rest is never read, and the library, which buffers
/// a whole message before handing it on, never holds more than the limit. Messages before the refused one
/// are delivered.
/// </summary>
/// <param name="inner">The client WebSocket, reading through <paramref name="guard"/>'s stream.</param>
/// <param name="guard">The guard fed by the connection stream under <paramref name="inner"/>.</param>
internal sealed class SizeLimitedWebSocket(WebSocket inner, FrameHeaderGuard guard) : WebSocket
{
    private long _messagesReceived;
    private volatile bool _lastMessageWasText;

    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

    public override string? CloseStatusDescription => inner.CloseStatusDescription;

    public override WebSocketState State => inner.State;

    public override string? SubProtocol => inner.SubProtocol;

    /// <summary>Whether the last data message read to its end was a text message (the reader hands messages on as bytes).</summary>
    public bool LastMessageWasText => _lastMessageWasText;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // every receive: no allocation when it waits
    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await inner.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
        await CheckAsync(result.MessageType, result.EndOfMessage, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        var result = await inner.ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
        await CheckAsync(result.MessageType, result.EndOfMessage, cancellationToken).ConfigureAwait(false);
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

    private async ValueTask CheckAsync(WebSocketMessageType type, bool endOfMessage, CancellationToken cancellationToken)
    {
        if (type == WebSocketMessageType.Close)
            return;

        if (guard.Refuses(_messagesReceived))
        {
            var refusal = guard.Verdict == FrameLimitVerdict.FrameTooBig
                ? new InboundTooLargeException("frame", guard.MaxFrameBytes)
                : new InboundTooLargeException("message", guard.MaxMessageBytes);
            await RefuseAsync(refusal, cancellationToken).ConfigureAwait(false);
        }

        if (endOfMessage)
        {
            _messagesReceived++;
            _lastMessageWasText = type == WebSocketMessageType.Text;
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
