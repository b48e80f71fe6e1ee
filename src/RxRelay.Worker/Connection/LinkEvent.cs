using System.Net.WebSockets;

namespace RxRelay.Worker.Connection;

/// <summary>What an <see cref="IProxyLink"/> reports: it opened, a message arrived, or the proxy closed it.</summary>
internal abstract record LinkEvent
{
    private LinkEvent()
    {
    }

    /// <summary>The WebSocket handshake succeeded; always the first event, before any message.</summary>
    public sealed record Opened : LinkEvent;

    /// <summary>One complete data frame from the proxy.</summary>
    /// <param name="Utf8">The payload bytes (UTF-8 JSON for text frames).</param>
    /// <param name="IsText">False for binary frames, which the protocol never uses.</param>
    public sealed record Message(byte[] Utf8, bool IsText) : LinkEvent;

    /// <summary>The proxy sent a close frame; the stream completes right after this event.</summary>
    public sealed record Closed(WebSocketCloseStatus? Status, string? Description) : LinkEvent;
}
