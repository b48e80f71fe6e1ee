namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// A queued request handed to a peer replica by <see cref="DispatchCore.TakeForPeer"/>: the forwarder sends it
/// and reports back with the <c>OnPeer…</c> operations under <see cref="RequestId"/>.
/// </summary>
/// <param name="RequestId">The core's id, <c>request-N</c>.</param>
/// <param name="Peer">The replica id the chooser picked.</param>
/// <param name="Submit">What the client sent, as submitted.</param>
/// <param name="SubmittedAt">First submission time: the request's deadlines count from it.</param>
/// <param name="Ended">Cancelled when the request ends here first (client gone, too slow): abandon the peer call.</param>
internal sealed record PeerLease(string RequestId, string Peer, SubmitRequest Submit, DateTimeOffset SubmittedAt, CancellationToken Ended);

/// <summary>How a forward ended without an answer the client can be given.</summary>
internal enum PeerFailure
{
    /// <summary>The peer had no free slot (a marked refusal, before it ran anything): back in the queue, no attempt used.</summary>
    NoCapacity,

    /// <summary>
    /// Lost on the way: the peer's worker was lost, the peer was unreachable, its heartbeat expired, or its answer
    /// broke off. Before the first byte reached the client: requeued with an attempt used; after: the stream ends
    /// with the SSE error, never replayed.
    /// </summary>
    Lost,
}
