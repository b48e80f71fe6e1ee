using System.Net.WebSockets;

namespace RxRelay.Worker.Connection;

/// <summary>
/// One WebSocket connection to the proxy, behind a seam small enough to fake under a TestScheduler.
/// A link is used for exactly one session and then disposed.
/// </summary>
internal interface IProxyLink : IDisposable
{
    /// <summary>
    /// Connects on subscription (subscribe once). Emits <see cref="LinkEvent.Opened"/>, then every frame;
    /// completes after a close (with a <see cref="LinkEvent.Closed"/> when the proxy sent one); fails when
    /// the connect fails or the connection is lost. Events arrive on the transport's receive loop: a subscriber must not block.
    /// </summary>
    IObservable<LinkEvent> Open();

    /// <summary>Writes one text frame; completes when the socket has taken it; throws when the link is not open.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken);

    /// <summary>
    /// True when <see cref="SendManyAsync"/> sends a batch as one transport write; the outbound writer
    /// then lets frames gather for a moment before each write. False by default.
    /// </summary>
    bool CoalescesWrites => false;

    /// <summary>Writes several text frames in order; by default one <see cref="SendAsync"/> after another.</summary>
    async ValueTask SendManyAsync(IReadOnlyList<ReadOnlyMemory<byte>> frames, CancellationToken cancellationToken)
    {
        foreach (var frame in frames)
        {
            await SendAsync(frame, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Performs the close handshake with <paramref name="status"/>.</summary>
    Task CloseAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken);
}

/// <summary>Creates the link of each session.</summary>
internal interface IProxyLinkFactory
{
    IProxyLink Create();
}
