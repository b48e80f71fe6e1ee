using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// Forwarding queued requests to peer replicas (<c>DispatchCore.Forwarding.cs</c>, docs/cluster.md#forwarding):
/// which request is taken, attempt and deadline accounting when a peer refuses or loses it, never replaying a
/// started stream, and cancellation reaching the peer call. All in virtual time.
/// </summary>
public sealed class DispatchCoreForwardingTests
{
    private static readonly ModelKey Llama = new(CoreHarness.Provider, "llama");

    private static PeerLease Take(CoreHarness sut, params ModelKey[] offered) =>
        sut.Core.TakeForPeer(offered, _ => "replica-b") ?? throw new InvalidOperationException("nothing taken");

    [Fact]
    public void TakeForPeer_OldestRequestOfAnOfferedModel_TakenOffTheQueueAndStillLive()
    {
        using var sut = new CoreHarness();
        sut.Submit("mistral");
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        sut.Submit("llama");
        sut.Submit("llama");

        var lease = Take(sut, Llama);

        Assert.Equal(("request-2", "replica-b", "llama"), (lease.RequestId, lease.Peer, lease.Submit.Model));
        Assert.Equal(sut.Time.GetUtcNow(), lease.SubmittedAt);
        Assert.Equal(["request-1", "request-3"], sut.Core.QueuedIds());
        Assert.Equal((3, 1), (sut.Core.LiveRequestCount, sut.Core.ForwardedCount));
        Assert.False(lease.Ended.IsCancellationRequested);
    }

    [Fact]
    public void TakeForPeer_WildcardOffer_TakesTheOldestOfThatProviderOnly()
    {
        using var sut = new CoreHarness();
        sut.Submit("llama", provider: "anthropic");
        sut.Submit("qwen");

        var lease = Take(sut, new ModelKey(CoreHarness.Provider, "*"));

        Assert.Equal("request-2", lease.RequestId);
        Assert.Equal(["request-1"], sut.Core.QueuedIds());
    }

    [Fact]
    public void TakeForPeer_NothingOfferedMatches_OrChooserNamesNoPeer_NothingTaken()
    {
        using var sut = new CoreHarness();
        sut.Submit("llama");

        Assert.Null(sut.Core.TakeForPeer([new ModelKey(CoreHarness.Provider, "mistral")], _ => "replica-b"));
        Assert.Null(sut.Core.TakeForPeer([Llama], _ => null));
        Assert.Equal(["request-1"], sut.Core.QueuedIds());
        Assert.Equal(0, sut.Core.ForwardedCount);
    }

    [Fact]
    public void Forwarded_ChunksThenComplete_DeliveredInOrderAndEnded()
    {
        using var sut = new CoreHarness();
        sut.Submit("llama", streaming: true);
        var lease = Take(sut, Llama);

        Assert.True(sut.Core.OnPeerChunk(lease.RequestId, "data: a\n\n"));
        Assert.True(sut.Core.OnPeerChunk(lease.RequestId, "data: b\n\n"));
        var completion = CoreHarness.Completion(lease.RequestId);
        sut.Core.OnPeerComplete(lease.RequestId, completion);

        Assert.Equal(
            [new RequestEvent.Chunk("data: a\n\n"), new RequestEvent.Chunk("data: b\n\n"), new RequestEvent.Completed(completion)],
            sut.Events(lease.RequestId));
        Assert.True(sut.IsEnded(lease.RequestId));
        Assert.Equal((0, 0), (sut.Core.LiveRequestCount, sut.Core.ForwardedCount));
        Assert.False(sut.Core.OnPeerChunk(lease.RequestId, "late")); // ended: stop reading the peer
    }

    [Fact]
    public void PeerRefusedNoCapacity_BackInTheQueueAtItsPlace_NoAttemptUsed()
    {
        using var sut = new CoreHarness(new DispatchOptions { MaxRequeues = 0 });
        sut.Submit("llama");
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        sut.Submit("llama");
        var lease = Take(sut, Llama);

        sut.Core.OnPeerFailed(lease.RequestId, PeerFailure.NoCapacity);

        Assert.Equal(["request-1", "request-2"], sut.Core.QueuedIds()); // ahead of the later one
        Assert.Equal(0, sut.Core.ForwardedCount);
        Assert.Empty(sut.Events("request-1")); // MaxRequeues 0, yet not exhausted: no attempt was used
    }

    [Fact]
    public void PeerLostBeforeFirstByte_RequeuedWithAnAttemptUsed_UntilTheCapFailsIt()
    {
        using var sut = new CoreHarness(new DispatchOptions { MaxRequeues = 2 });
        sut.Submit("llama", streaming: true);

        for (var attempt = 0; attempt < 2; attempt++)
        {
            sut.Core.OnPeerFailed(Take(sut, Llama).RequestId, PeerFailure.Lost);
            Assert.Equal(["request-1"], sut.Core.QueuedIds());
        }

        sut.Core.OnPeerFailed(Take(sut, Llama).RequestId, PeerFailure.Lost);

        Assert.Equal([CoreHarness.Failed(DispatchFailureKind.RequeueExhausted)], sut.Events("request-1"));
        Assert.Empty(sut.Core.QueuedIds());
        Assert.Equal(0, sut.Core.LiveRequestCount);
    }

    [Fact]
    public void PeerLostAfterFirstByte_StreamEndsWithTheSseErrorAndIsNeverReplayed()
    {
        using var sut = new CoreHarness();
        sut.Submit("llama", streaming: true);
        var lease = Take(sut, Llama);
        sut.Core.OnPeerChunk(lease.RequestId, "data: a\n\n");
        var idle = sut.Register("w", ["llama"]);

        sut.Core.OnPeerFailed(lease.RequestId, PeerFailure.Lost);

        Assert.Equal(
            [new RequestEvent.Chunk("data: a\n\n"), CoreHarness.Failed(DispatchFailureKind.WorkerDisconnectedMidStream)],
            sut.Events(lease.RequestId));
        Assert.Empty(sut.RequestsSentTo(idle));
    }

    [Fact]
    public void PeerLost_ALocalWorkerHasRoom_TakesItAtOnce()
    {
        using var sut = new CoreHarness();
        sut.Submit("llama");
        var lease = Take(sut, Llama);
        var worker = sut.Register("w", ["llama"]);

        sut.Core.OnPeerFailed(lease.RequestId, PeerFailure.Lost);

        Assert.Equal(["request-1"], sut.RequestsSentTo(worker));
        Assert.Empty(sut.Core.QueuedIds());
    }

    [Fact]
    public void BackFromAPeerAfterTheQueueTimeout_ExpiresAtOnce_TheDeadlineCountsFromFirstSubmission()
    {
        using var sut = new CoreHarness(new DispatchOptions { QueueTimeout = TimeSpan.FromSeconds(30) });
        sut.Submit("llama");
        var lease = Take(sut, Llama);
        sut.Time.Advance(TimeSpan.FromSeconds(31)); // on the peer: the queue timeout does not run there

        Assert.Empty(sut.Events(lease.RequestId));
        sut.Core.OnPeerFailed(lease.RequestId, PeerFailure.NoCapacity);

        Assert.Equal([CoreHarness.Failed(DispatchFailureKind.QueueTimeout)], sut.Events(lease.RequestId));
        Assert.Empty(sut.Core.QueuedIds());
    }

    [Fact]
    public void ClientCancels_PeerCallCancelledAndRequestEndsCanceled_LaterReportsIgnored()
    {
        using var sut = new CoreHarness();
        sut.Submit("llama", streaming: true);
        var lease = Take(sut, Llama);

        Assert.True(sut.Core.Cancel(lease.RequestId, Protocol.Messages.CancelReason.ClientDisconnect));

        Assert.True(lease.Ended.IsCancellationRequested); // set at once; its callbacks run on the pool
        Assert.Equal([CoreHarness.Failed(DispatchFailureKind.Canceled)], sut.Events(lease.RequestId));
        sut.Core.OnPeerFailed(lease.RequestId, PeerFailure.Lost);
        Assert.False(sut.Core.OnPeerChunk(lease.RequestId, "data: late\n\n"));
        Assert.Empty(sut.Core.QueuedIds());
        Assert.Equal((0, 0), (sut.Core.LiveRequestCount, sut.Core.ForwardedCount));
    }

    [Fact]
    public void PeerChunksFasterThanTheClientReads_ClientTooSlowAndPeerCallCancelled()
    {
        using var sut = new CoreHarness(new DispatchOptions { StreamBufferChunks = 2 });
        sut.Submit("llama", streaming: true);
        var lease = Take(sut, Llama);

        Assert.True(sut.Core.OnPeerChunk(lease.RequestId, "a"));
        Assert.True(sut.Core.OnPeerChunk(lease.RequestId, "b"));
        Assert.False(sut.Core.OnPeerChunk(lease.RequestId, "c"));

        Assert.True(lease.Ended.IsCancellationRequested);
        Assert.Equal(
            [new RequestEvent.Chunk("a"), new RequestEvent.Chunk("b"), CoreHarness.Failed(DispatchFailureKind.ClientTooSlow)],
            sut.Events(lease.RequestId));
    }

    [Fact]
    public void Submit_ModelOnlyAPeerAdvertises_QueuedAsServed_NotRefusedByTheUnservedShare()
    {
        using var sut = new CoreHarness(new DispatchOptions { MaxQueueLength = 10, UnservedQueuePercent = 10 });
        sut.Core.ServedByPeers = (provider, model) => provider == CoreHarness.Provider && model == "llama";

        var outcomes = Enumerable.Range(0, 10).Select(_ => sut.Submit("llama")).ToList();
        var unserved = sut.Submit("mistral");
        var eleventh = sut.Submit("llama");

        Assert.All(outcomes, o => Assert.True(o.IsAccepted));
        Assert.Equal(DispatchFailureKind.QueueFull, eleventh.Rejection?.Kind); // the served share is full, not "no workers"
        Assert.Equal(DispatchFailureKind.NoWorkersAvailable, unserved.Rejection?.Kind);
    }

    [Fact]
    public void Queued_SignalledOncePerOperationThatQueued_NotForOtherOperations()
    {
        using var sut = new CoreHarness();
        var signals = 0;
        sut.Core.Queued = () => signals++;

        sut.Submit("llama");
        sut.Submit("llama");
        var worker = sut.Register("w", ["llama"]); // takes request-1: nothing queued by this operation
        sut.Core.OnPong(worker, 1);
        var lease = Take(sut, Llama);
        sut.Core.OnPeerFailed(lease.RequestId, PeerFailure.NoCapacity);

        Assert.Equal(3, signals);
    }
}
