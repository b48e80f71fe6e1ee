using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// Where the dispatch core puts the frames the proxy sends to one worker: the core's only way to talk
/// to that worker's socket. Implemented by the worker socket layer over its own bounded outbound queue.
/// Both members are called by the core, under the <see cref="Dispatcher"/>'s lock, so they must return
/// at once and never block or await.
/// </summary>
internal interface IWorkerFrameSink
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
