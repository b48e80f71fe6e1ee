using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// Forwarding to peer replicas (cluster mode, docs/cluster.md#forwarding). The replica holding the client's
/// connection keeps the request: a queued request is taken off the queue for one peer, stays live here (a cancel
/// reaches it, its stream is fed by what the peer answers) and comes back to the queue at its original place if
/// the peer refuses or loses it before its first byte. Attempts and deadlines are counted here, as for local workers.
/// </summary>
internal sealed partial class DispatchCore
{
    private long _queueAddsSignalled;

    /// <summary>
    /// Whether some live peer replica advertises a provider's model (cluster mode; under the dispatcher's lock, so
    /// quick and pure): such a request counts as served for <c>max_queue_len</c>, not against the unserved share.
    /// </summary>
    public Func<string, string, bool>? ServedByPeers { get; set; }

    /// <summary>Requests now forwarded to a peer.</summary>
    public int ForwardedCount { get; private set; }

    /// <summary>
    /// Called at the end of an operation that queued a request (new, requeued or back from a peer), under the
    /// dispatcher's lock: it must only signal (the forwarder's wake-up), never block or call back in.
    /// </summary>
    public Action? Queued { get; set; }

    /// <summary>
    /// Takes the oldest queued request that one of <paramref name="offered"/> can serve (a model, or <c>*</c>: any
    /// model of that provider) and whose peer <paramref name="choosePeer"/> names; null when there is none (or the
    /// chooser names none: the request stays queued). The chooser runs under the dispatcher's lock: pure, quick.
    /// </summary>
    public PeerLease? TakeForPeer(IReadOnlyCollection<ModelKey> offered, Func<SubmitRequest, string?> choosePeer)
    {
        if (_queue.EarliestMatching(offered) is not { } request || choosePeer(request.Submit) is not { } peer)
        {
            return null;
        }

        _queue.Remove(request);
        request.Peer = peer;
        request.PeerCall = new CancellationTokenSource();
        ForwardedCount++;
        request.Submit.Observer?.Dispatched(PeerWorkerId(peer));
        Settle();
        return new PeerLease(request.Id, peer, request.Submit, request.QueuedAt, request.PeerCall.Token);
    }

    /// <summary>
    /// A piece of a forwarded streaming answer, written to the client verbatim. False when the request is no longer
    /// forwarded here (ended, cancelled, or over the stream buffer: then failed <see cref="DispatchFailureKind.ClientTooSlow"/>
    /// and the peer call cancelled): stop reading the peer.
    /// </summary>
    public bool OnPeerChunk(string requestId, string text)
    {
        if (Forwarded(requestId) is not { } request) return false;
        var written = request.Stream.TryWriteChunk(text);
        if (!written) EndForward(request, new RequestEvent.Failed(DispatchFailure.Of(DispatchFailureKind.ClientTooSlow)));
        Settle();
        return written;
    }

    /// <summary>A forwarded request's answer ended (the whole non-streaming answer, or the end of a stream).</summary>
    public void OnPeerComplete(string requestId, ResponseComplete response)
    {
        if (Forwarded(requestId) is { } request) EndForward(request, new RequestEvent.Completed(response));
        Settle();
    }

    /// <summary>
    /// A forward ended without an answer (<see cref="PeerFailure"/>): no capacity → back in the queue at its place,
    /// no attempt used (a local worker with room takes it at once); lost → the rules of a request whose worker was
    /// lost (requeue cap, never replay a started stream). Unknown ids (already ended here) are ignored.
    /// </summary>
    public void OnPeerFailed(string requestId, PeerFailure failure)
    {
        if (Forwarded(requestId) is not { } request)
        {
            Settle();
            return;
        }

        Unforward(request);
        if (failure == PeerFailure.NoCapacity && !request.Stream.HasStarted)
        {
            if (!TryAssign(request)) _queue.Add(request);
        }
        else
        {
            Recover(request, RequeueReason.PeerLost);
        }

        Settle();
    }

    /// <summary>Part of <see cref="Settle"/>: tells <see cref="Queued"/> when the queue took a request since the last time.</summary>
    private void SignalQueued()
    {
        if (_queue.Added == _queueAddsSignalled) return;
        _queueAddsSignalled = _queue.Added;
        if (_queue.Count > 0) Queued?.Invoke();
    }

    /// <summary>Starts the worker id observers see for a forwarded request: <c>peer/&lt;replica id&gt;</c>.</summary>
    public const string PeerWorkerPrefix = "peer/";

    /// <summary>The worker id observers see for a request forwarded to <paramref name="peer"/>.</summary>
    public static string PeerWorkerId(string peer) => PeerWorkerPrefix + peer;

    private PendingRequest? Forwarded(string requestId) =>
        _requests.TryGetValue(requestId, out var request) && request.Peer is not null ? request : null;

    /// <summary>Ends a forwarded request here; the peer call is abandoned (cancelled off the lock's thread).</summary>
    private void EndForward(PendingRequest request, RequestEvent terminal)
    {
        var call = request.PeerCall;
        Unforward(request);
        if (terminal is not RequestEvent.Completed) _ = call?.CancelAsync(); // callbacks run on the pool, never under the lock
        Finish(request, terminal);
    }

    private void Unforward(PendingRequest request)
    {
        request.Peer = null;
        request.PeerCall = null;
        ForwardedCount--;
    }
}
