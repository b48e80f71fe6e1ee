using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;
using RxRelay.Testing.Logging;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// Stuck, not behind (docs/protocol.md#outlier-ejection): a worker is ejected only when no stream of it started for a whole
/// first-event timeout and a peer beside it keeps up (awaits nothing, or answered a request as young as the overdue
/// one); a request examined without effect is examined again one timeout later.
/// </summary>
public sealed class DispatchCoreOutlierOverloadTests
{
    private static readonly TimeSpan FirstEventTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_PeerBusyAndNotAnsweringYet_EveryWorkerBehindSoNobodyEjected()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        var b = sut.Register("b", ["llama"], max: 8);
        sut.Submit("llama", streaming: true); // request-1 → a
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        sut.Submit("llama", streaming: true); // request-2 → b, not overdue when request-1 is

        sut.Time.Advance(FirstEventTimeout - TimeSpan.FromSeconds(1));

        Assert.Equal(["request-1"], sut.Core.InFlightOf(a));
        Assert.Equal(["request-2"], sut.Core.InFlightOf(b));
        Assert.Empty(sut.Sinks[a].Frames.OfType<CancelRequest>());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_PeerAnsweredOnlyOlderRequests_NobodyEjected()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        var b = sut.Register("b", ["llama"], max: 8);
        sut.Submit("llama", streaming: true); // request-1 → a
        sut.Submit("llama", streaming: true); // request-2 → b
        sut.Core.OnChunk(b, "request-2", "b"); // b answered a request assigned at 0 s
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        sut.Core.OnChunk(a, "request-1", "a");
        sut.Submit("llama", streaming: true); // request-3 → a at 1 s: the one that will be overdue
        sut.Time.Advance(TimeSpan.FromSeconds(0.5));
        sut.Submit("llama", streaming: true); // request-4 → b at 1.5 s, awaiting

        sut.Time.Advance(FirstEventTimeout - TimeSpan.FromSeconds(0.5));

        Assert.Equal(["request-1", "request-3"], sut.Core.InFlightOf(a));
        Assert.Empty(sut.Sinks[a].Frames.OfType<CancelRequest>());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_BusyPeerAnsweredAYoungerRequest_StuckWorkerEjected()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        var b = sut.Register("b", ["llama"], max: 8);
        sut.Submit("llama", streaming: true); // request-1 → a at 0 s
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        sut.Submit("llama", streaming: true); // request-2 → b at 1 s
        sut.Core.OnChunk(b, "request-2", "b"); // b answered a request younger than request-1
        sut.Complete(b, "request-2", 200, "");
        sut.Submit("llama", streaming: true); // request-3 → b (a is busier), awaiting

        sut.Time.Advance(FirstEventTimeout - TimeSpan.FromSeconds(1));

        Assert.Equal([new CancelRequest("request-1", CancelReason.Timeout)], sut.Sinks[a].Frames.OfType<CancelRequest>());
        Assert.Equal(["request-2", "request-3", "request-1"], sut.RequestsSentTo(b));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_IdlePeer_StuckWorkerEjected()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        sut.Submit("llama", streaming: true);
        var idle = sut.Register("idle", ["llama"], max: 8);

        sut.Time.Advance(FirstEventTimeout);

        Assert.Equal(new CancelRequest("request-1", CancelReason.Timeout), sut.Sinks[a].Frames[^1]);
        Assert.Equal(["request-1"], sut.Core.InFlightOf(idle));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_NobodyHealthyBesideAtTheDeadline_ExaminedAgainOneTimeoutLaterAndEjectedOnceThePeerAnswered()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        var b = sut.Register("b", ["llama"], max: 8);
        sut.Submit("llama", streaming: true); // request-1 → a at 0 s, never answered
        sut.Time.Advance(TimeSpan.FromSeconds(8));
        sut.Submit("llama", streaming: true); // request-2 → b at 8 s
        sut.Time.Advance(TimeSpan.FromSeconds(2)); // 10 s: b awaits and has answered nothing yet: no ejection
        Assert.Empty(sut.Sinks[a].Frames.OfType<CancelRequest>());
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        sut.Core.OnChunk(b, "request-2", "b"); // 11 s: b answers a request younger than request-1

        sut.Time.Advance(FirstEventTimeout - TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.Empty(sut.Sinks[a].Frames.OfType<CancelRequest>());
        sut.Time.Advance(TimeSpan.FromTicks(1)); // 20 s: request-1 examined again

        Assert.Equal([new CancelRequest("request-1", CancelReason.Timeout)], sut.Sinks[a].Frames.OfType<CancelRequest>());
        Assert.Equal(["request-2", "request-1"], sut.RequestsSentTo(b));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_WorkerStillAnsweringOtherRequests_BehindNotStuckSoNotEjectedUntilItStopsForAWholeTimeout()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        var b = sut.Register("b", ["llama"], max: 8);
        sut.Submit("llama", streaming: true); // request-1 → a at 0 s, the one that will be overdue
        sut.Submit("llama", streaming: true); // request-2 → b
        sut.Submit("llama", streaming: true); // request-3 → a
        sut.Core.OnChunk(b, "request-2", "b"); // b keeps up: answered a request as young as request-1, awaits none
        sut.Time.Advance(TimeSpan.FromSeconds(5));
        sut.Core.OnChunk(a, "request-3", "a"); // a answers another request at 5 s

        sut.Time.Advance(TimeSpan.FromSeconds(5)); // 10 s: request-1 overdue, but a answered within the last 10 s
        Assert.Empty(sut.Sinks[a].Frames.OfType<CancelRequest>());
        sut.Time.Advance(FirstEventTimeout); // 20 s: examined again; a has started no stream since 5 s

        Assert.Equal([new CancelRequest("request-1", CancelReason.Timeout)], sut.Sinks[a].Frames.OfType<CancelRequest>());
        Assert.Equal(["request-2", "request-1"], sut.RequestsSentTo(b));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_WorkerFinishingOnlyNonStreamingRequests_StartsNoStreamSoStillEjected()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        var b = sut.Register("b", ["llama"], max: 8);
        sut.Submit("llama", streaming: true); // request-1 → a, never started
        sut.Submit("llama", streaming: true); // request-2 → b
        sut.Core.OnChunk(b, "request-2", "b");
        sut.Submit("llama"); // request-3 → a (non-streaming)
        sut.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(FrameVerdict.Accepted, sut.Complete(a, "request-3")); // a still finishes non-streaming work

        sut.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([new CancelRequest("request-1", CancelReason.Timeout)], sut.Sinks[a].Frames.OfType<CancelRequest>());
        Assert.Equal(["request-2", "request-1"], sut.RequestsSentTo(b));
    }
}
