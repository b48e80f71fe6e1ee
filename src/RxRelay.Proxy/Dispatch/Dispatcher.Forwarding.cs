using RxRelay.Protocol.Messages;

namespace RxRelay.Proxy.Dispatch;

/// <summary>The forwarding operations of <see cref="Dispatcher"/> (cluster mode); semantics are the core's (<c>DispatchCore.Forwarding.cs</c>).</summary>
internal sealed partial class Dispatcher
{
    /// <summary>
    /// Attaches the cluster forwarder, once at start: <paramref name="queued"/> runs when a request is queued (under
    /// the lock: it must only wake someone up), <paramref name="servedByPeers"/> says whether a live peer advertises a
    /// provider's model (see <see cref="DispatchCore.ServedByPeers"/>).
    /// </summary>
    public void AttachForwarder(Action queued, Func<string, string, bool> servedByPeers) => Invoke(core =>
    {
        core.Queued = queued;
        core.ServedByPeers = servedByPeers;
    });

    /// <summary>See <see cref="DispatchCore.TakeForPeer"/>.</summary>
    public PeerLease? TakeForPeer(IReadOnlyCollection<ModelKey> offered, Func<SubmitRequest, string?> choosePeer) =>
        Invoke(core => core.TakeForPeer(offered, choosePeer));

    /// <summary>See <see cref="DispatchCore.OnPeerChunk"/>.</summary>
    public bool OnPeerChunk(string requestId, string text) => Invoke(core => core.OnPeerChunk(requestId, text));

    /// <summary>See <see cref="DispatchCore.OnPeerComplete"/>.</summary>
    public void OnPeerComplete(string requestId, ResponseComplete response) => Invoke(core => core.OnPeerComplete(requestId, response));

    /// <summary>See <see cref="DispatchCore.OnPeerFailed"/>.</summary>
    public void OnPeerFailed(string requestId, PeerFailure failure) => Invoke(core => core.OnPeerFailed(requestId, failure));
}
