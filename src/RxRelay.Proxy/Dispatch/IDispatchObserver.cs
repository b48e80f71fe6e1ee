namespace RxRelay.Proxy.Dispatch;

/// <summary>Why a request in flight went back to the queue (the <c>reason</c> label of <c>rxrelay_requeues_total</c>).</summary>
internal enum RequeueReason
{
    /// <summary>Its worker disconnected, failed its heartbeat or was closed for a protocol error.</summary>
    WorkerLost,

    /// <summary>Its worker was ejected as an outlier before the request's first event.</summary>
    WorkerEjected,

    /// <summary>
    /// Forwarded to a peer replica, it came back before its first event: the peer's worker was lost, the peer
    /// could not be reached, or its heartbeat expired (docs/cluster.md#forwarding).
    /// </summary>
    PeerLost,
}

/// <summary>
/// What the core tells the HTTP side about one request while it holds it: called under the
/// <see cref="Dispatcher"/>'s lock, so an implementation only notes a timestamp or bumps a counter.
/// </summary>
internal interface IDispatchObserver
{
    /// <summary>
    /// The request was assigned to <paramref name="workerId"/> (again, after a requeue); for a request forwarded
    /// to a peer replica, <c>peer/</c> + the peer's replica id.
    /// </summary>
    void Dispatched(string workerId);

    /// <summary>The request left its worker and was queued or offered again.</summary>
    void Requeued(RequeueReason reason);
}
