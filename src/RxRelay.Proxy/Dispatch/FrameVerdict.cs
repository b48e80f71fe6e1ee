namespace RxRelay.Proxy.Dispatch;

/// <summary>What the core did with one frame from a worker.</summary>
internal enum FrameVerdict
{
    /// <summary>Applied / forwarded to the request's client.</summary>
    Accepted,

    /// <summary>Valid but discarded (late frame of a cancelled request, complete for an unknown id).</summary>
    Dropped,

    /// <summary>
    /// Protocol violation. The core has already closed the worker (1002
    /// <c>worker registration protocol error</c>) and requeued its requests; the socket layer only needs
    /// to stop reading. Also returned for a worker the core no longer knows.
    /// </summary>
    ProtocolViolation,
}
