using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;
using static RxRelay.Proxy.Tests.Dispatch.CoreHarness;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// Contract-harness scenarios of reference 10.4 items 3–24 that apply to the server core. Covered
/// elsewhere: 3–4 (DispatchCoreDrainTests), 9, 16, 17, 23, 24 (DispatchCoreReferenceTests). Not here:
/// 5 (provider deletion is library-only upstream and not offered), 12–13 (stale-worker expiry is the
/// socket layer's heartbeat, not a core state).
/// </summary>
public sealed class DispatchCoreHarnessScenarioTests
{
    private static CoreHarness CreateSut(DispatchOptions? options = null) => new(options);

    [Fact] // item 6
    public void Submit_SupportedModel_DispatchedWithoutQueueing()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);

        sut.Submit("llama");

        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
        Assert.Empty(sut.Core.QueuedIds());
    }

    [Fact] // item 7
    public void Submit_MatchingWorkersFull_QueuesEvenThoughOtherModelWorkerIdle()
    {
        using var sut = CreateSut();
        sut.Register("a", ["llama"]);
        var mistral = sut.Register("b", ["mistral"]);

        sut.Submit("llama");
        sut.Submit("llama");

        Assert.Equal(["request-2"], sut.Core.QueuedIds());
        Assert.Empty(sut.RequestsSentTo(mistral));
    }

    [Fact] // item 8
    public void Submit_TwoWorkersMaxTwo_SpreadsByLowestLoad()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"], max: 2);
        var w2 = sut.Register("b", ["llama"], max: 2);

        sut.Submit("llama");
        sut.Submit("llama");

        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
        Assert.Equal(["request-2"], sut.RequestsSentTo(w2));
    }

    [Fact] // item 10
    public void Submit_ThreeEqualWorkersMaxTwo_RotatesOneTwoThreeOne()
    {
        using var sut = CreateSut();
        var workers = new[] { sut.Register("a", ["llama"], 2), sut.Register("b", ["llama"], 2), sut.Register("c", ["llama"], 2) };

        for (var i = 0; i < 4; i++) sut.Submit("llama");

        Assert.Equal(["request-1", "request-4"], sut.RequestsSentTo(workers[0]));
        Assert.Equal(["request-2"], sut.RequestsSentTo(workers[1]));
        Assert.Equal(["request-3"], sut.RequestsSentTo(workers[2]));
    }

    [Fact] // item 11
    public void OnPong_ReportedLoads_NextRequestGoesToLessLoadedWorker()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"], max: 2);
        var w2 = sut.Register("b", ["llama"], max: 2);

        sut.Core.OnPong(w1, 1);
        sut.Core.OnPong(w2, 0);
        sut.Submit("llama");

        Assert.Equal(["request-1"], sut.RequestsSentTo(w2));
        Assert.Empty(sut.RequestsSentTo(w1));
    }

    [Fact] // items 14–15
    public void Submit_OnlyNearMatchWorker_NeverReceivesAndRequestQueues()
    {
        using var sut = CreateSut();
        var q4 = sut.Register("a", ["llama-3.1-70b-q4"]);

        sut.Submit("llama-3.1-70b");

        Assert.Empty(sut.RequestsSentTo(q4));
        Assert.Equal(["request-1"], sut.Core.QueuedIds());
    }

    [Fact] // item 18
    public void QueueTimeout_FiveSeconds_QueueTimedOutAndQueueEmpty()
    {
        using var sut = CreateSut(new DispatchOptions { QueueTimeout = TimeSpan.FromSeconds(5) });
        sut.Submit("llama");

        sut.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([Failed(DispatchFailureKind.QueueTimeout)], sut.Events("request-1"));
        Assert.Equal("Request timed out waiting for worker", DispatchFailure.Of(DispatchFailureKind.QueueTimeout).Message);
        Assert.Equal(0, sut.Core.Snapshot().TotalQueueDepth);
    }

    [Fact] // item 19, plus "no workers" when nobody serves the model
    public void Submit_QueueFull_RejectedAtOnceWithExactTexts()
    {
        using var sut = CreateSut(new DispatchOptions { MaxQueueLength = 1 });
        sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Submit("llama");

        var full = sut.Submit("llama");
        var none = sut.Submit("unknown");

        Assert.Equal("Service temporarily at capacity, please retry", full.Rejection!.Message);
        Assert.Equal("No workers available to handle request", none.Rejection!.Message);
        Assert.Equal(("request-3", "request-4"), (full.RequestId, none.RequestId));
        Assert.Equal(["request-2"], sut.Core.QueuedIds());
    }

    [Fact] // MaxQueueLength 0: reject immediately (upstream's CLI cannot express it)
    public void Submit_MaxQueueLengthZero_NoWorkersRejectedImmediately()
    {
        using var sut = CreateSut(new DispatchOptions { MaxQueueLength = 0 });

        var outcome = sut.Submit("llama");

        Assert.Equal(new SubmitOutcome("request-1", null, DispatchFailure.Of(DispatchFailureKind.NoWorkersAvailable)), outcome);
    }

    [Fact] // item 20
    public void Cancel_InFlight_EmitsOneClientDisconnectSignal()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");

        sut.Core.Cancel("request-1", CancelReason.ClientDisconnect);
        sut.Core.Cancel("request-1", CancelReason.ClientDisconnect);

        Assert.Equal([new CancelRequest("request-1", CancelReason.ClientDisconnect)], sut.Outboxes[w1].Frames.OfType<CancelRequest>());
    }

    [Fact] // item 21
    public void OnChunk_AfterCancel_FirstForwardedLaterDropped()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama", streaming: true);

        Assert.Equal(FrameVerdict.Accepted, sut.Core.OnChunk(w1, "request-1", "first"));
        sut.Core.Cancel("request-1", CancelReason.ClientDisconnect);
        Assert.Equal(FrameVerdict.Dropped, sut.Core.OnChunk(w1, "request-1", "second"));

        Assert.Equal([new RequestEvent.Chunk("first"), Failed(DispatchFailureKind.Canceled)], sut.Events("request-1"));
    }

    [Fact] // item 22
    public void OnWorkerGone_LiveInFlight_QueueHoldsIt()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");

        sut.Core.OnWorkerGone(w1);

        Assert.Equal(["request-1"], sut.Core.QueuedIds());
        Assert.Empty(sut.Core.Snapshot().Workers);
    }
}
