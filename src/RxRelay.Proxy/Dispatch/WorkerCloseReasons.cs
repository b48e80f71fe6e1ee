namespace RxRelay.Proxy.Dispatch;

/// <summary>Close codes and exact reason texts the proxy sends to workers (docs/protocol.md#close-codes).</summary>
internal static class WorkerCloseReasons
{
    /// <summary>1000, normal closure.</summary>
    public const ushort NormalCode = 1000;

    /// <summary>1002, protocol error.</summary>
    public const ushort ProtocolErrorCode = 1002;

    /// <summary>
    /// 1011, internal error: the worker's outbound queue refused a frame. RxRelay only; upstream's
    /// queue is unbounded so it never needs this.
    /// </summary>
    public const ushort OutboxOverflowCode = 1011;

    /// <summary>Sent with 1002 for any protocol violation, also after registration (upstream wording).</summary>
    public const string ProtocolError = "worker registration protocol error";

    /// <summary>Sent with 1000 when the pong window expired (the socket layer sends it).</summary>
    public const string HeartbeatTimedOut = "worker heartbeat timed out";

    /// <summary>Sent with 1000 when a draining worker has nothing left in flight.</summary>
    public const string GracefulShutdownComplete = "graceful shutdown complete";

    /// <summary>Sent with 1000 when the drain deadline passed with work still in flight.</summary>
    public const string GracefulShutdownTimedOut = "graceful shutdown timed out";

    /// <summary>Sent with <see cref="OutboxOverflowCode"/> when <see cref="IWorkerFrameSink.TrySend"/> refused a frame.</summary>
    public const string OutboxOverflow = "worker outbound queue full";

    /// <summary>The <c>graceful_shutdown.reason</c> the proxy sends when it drains (upstream text).</summary>
    public const string DrainReason = "proxy server shutting down";
}
