using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// The dispatch core's only way to talk to one worker socket. Implemented by the worker socket layer
/// over its own bounded outbound queue. Both members are called from the dispatch loop, so they must
/// return at once and never block or await.
/// </summary>
internal interface IWorkerOutbox
{
    /// <summary>
    /// Enqueues one frame for the socket writer, in call order. Returns <see langword="false"/> when the
    /// queue is full or the socket is closing; the core then treats the worker as lost (its in-flight
    /// requests are requeued) and calls <see cref="Close"/> with
    /// <see cref="WorkerCloseReasons.OutboxOverflowCode"/>.
    /// </summary>
    bool TrySend(ProxyMessage message);

    /// <summary>
    /// Asks the socket writer to send a close frame after every frame already enqueued, then drop the
    /// connection. Idempotent. When the core calls this it has already forgotten the worker, so a later
    /// <c>OnWorkerGone</c> for it is a harmless no-op.
    /// </summary>
    void Close(ushort code, string reason);
}
