using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// <see cref="DispatchCore.TrySubmitNow"/>: a request a peer replica forwarded runs at once on a local worker
/// with a free slot, or is refused with <see cref="DispatchFailureKind.NoCapacity"/>; it is never queued or
/// requeued, so losing its worker before the first event fails it with <see cref="DispatchFailureKind.WorkerLost"/>.
/// </summary>
public sealed class DispatchCoreSubmitNowTests
{
    private static readonly TimeSpan FirstEventTimeout = TimeSpan.FromSeconds(10);

    private static CoreHarness CreateSut() => new();

    private static SubmitOutcome SubmitNow(CoreHarness sut, string model, bool streaming = false)
    {
        var outcome = sut.Core.TrySubmitNow(new SubmitRequest(
            CoreHarness.Provider, model, "/v1/chat/completions", streaming, "{\"model\":\"" + model + "\"}",
            new Dictionary<string, string>(StringComparer.Ordinal)));
        if (outcome.Handle is { } handle) sut.Handles[outcome.RequestId] = handle;
        return outcome;
    }

    [Fact]
    public void TrySubmitNow_WorkerHasFreeSlot_RequestSentAtOnce()
    {
        using var sut = CreateSut();
        var worker = sut.Register("a", ["llama"]);

        var outcome = SubmitNow(sut, "llama");

        Assert.Equal(("request-1", true, null), (outcome.RequestId, outcome.IsAccepted, outcome.Rejection));
        Assert.Equal(["request-1"], sut.RequestsSentTo(worker));
        Assert.Equal(["request-1"], sut.Core.InFlightOf(worker));
    }

    [Fact]
    public void TrySubmitNow_OnlyWorkerBusy_RefusedNoCapacityAndNothingQueuedOrSent()
    {
        using var sut = CreateSut();
        var worker = sut.Register("a", ["llama"]);
        sut.Submit("llama");

        var outcome = SubmitNow(sut, "llama");

        Assert.Equal(("request-2", false), (outcome.RequestId, outcome.IsAccepted));
        Assert.Equal(DispatchFailure.Of(DispatchFailureKind.NoCapacity), outcome.Rejection);
        Assert.Equal("No worker has a free slot now", outcome.Rejection!.Message);
        Assert.Empty(sut.Core.QueuedIds());
        Assert.Equal(["request-1"], sut.RequestsSentTo(worker));
        Assert.Equal(1, sut.Core.LiveRequestCount);
    }

    [Fact]
    public void TrySubmitNow_NobodyServesModel_RefusedNoCapacityNotNoWorkers()
    {
        using var sut = CreateSut();
        sut.Register("a", ["mistral"]);

        var outcome = SubmitNow(sut, "llama");

        Assert.Equal(DispatchFailureKind.NoCapacity, outcome.Rejection!.Kind);
        Assert.Equal(0, sut.Core.LiveRequestCount);
    }

    [Fact]
    public void TrySubmitNow_WorkerGoneBeforeFirstEvent_FailsWorkerLostAndIsNotHandedToIdlePeer()
    {
        using var sut = CreateSut();
        var lost = sut.Register("a", ["llama"]);
        SubmitNow(sut, "llama", streaming: true);
        var idle = sut.Register("b", ["llama"]);

        sut.Core.OnWorkerGone(lost);

        Assert.Equal([CoreHarness.Failed(DispatchFailureKind.WorkerLost)], sut.Events("request-1"));
        Assert.True(sut.IsEnded("request-1"));
        Assert.Empty(sut.RequestsSentTo(idle));
        Assert.Empty(sut.Core.QueuedIds());
    }

    [Fact]
    public void TrySubmitNow_StreamStartedThenWorkerGone_FailsMidStreamLikeAnyStream()
    {
        using var sut = CreateSut();
        var lost = sut.Register("a", ["llama"]);
        SubmitNow(sut, "llama", streaming: true);
        sut.Core.OnChunk(lost, "request-1", "data: first\n\n");
        sut.Events("request-1");

        sut.Core.OnWorkerGone(lost);

        Assert.Equal([CoreHarness.Failed(DispatchFailureKind.WorkerDisconnectedMidStream)], sut.Events("request-1"));
    }

    [Fact]
    public void TrySubmitNow_MaxRequeuesZero_WorkerLossStillReadsWorkerLost()
    {
        using var sut = new CoreHarness(new DispatchOptions { MaxRequeues = 0 });
        var lost = sut.Register("a", ["llama"]);
        SubmitNow(sut, "llama");

        sut.Core.OnWorkerGone(lost);

        Assert.Equal([CoreHarness.Failed(DispatchFailureKind.WorkerLost)], sut.Events("request-1"));
    }

    [Fact]
    public void FirstEventTimeout_RunNowRequestOnEjectedWorker_CancelledThereAndFailsWorkerLost()
    {
        using var sut = CreateSut();
        var stuck = sut.Register("stuck", ["llama"], max: 8);
        var healthy = sut.Register("healthy", ["llama"], max: 8);
        SubmitNow(sut, "llama", streaming: true);
        sut.Submit("llama", streaming: true);
        sut.Core.OnChunk(healthy, "request-2", "data: hi\n\n");

        sut.Time.Advance(FirstEventTimeout);

        Assert.Equal(new CancelRequest("request-1", CancelReason.Timeout), sut.Sinks[stuck].Frames[^1]);
        Assert.Equal([CoreHarness.Failed(DispatchFailureKind.WorkerLost)], sut.Events("request-1"));
        Assert.Equal(["request-2"], sut.RequestsSentTo(healthy));
    }

    [Fact]
    public void Cancel_RunNowRequestInFlight_CancelSentAndSlotFreedForTheNext()
    {
        using var sut = CreateSut();
        var worker = sut.Register("a", ["llama"]);
        SubmitNow(sut, "llama", streaming: true);

        sut.Core.Cancel("request-1", CancelReason.ClientDisconnect);
        var next = SubmitNow(sut, "llama");

        Assert.Equal(new CancelRequest("request-1", CancelReason.ClientDisconnect), sut.Sinks[worker].AfterAck[1]);
        Assert.Equal([CoreHarness.Failed(DispatchFailureKind.Canceled)], sut.Events("request-1"));
        Assert.True(next.IsAccepted);
        Assert.Equal(["request-1", "request-2"], sut.RequestsSentTo(worker));
    }

    [Fact]
    public void Complete_SlotFreedByRunNowRequest_QueuedRequestPulled()
    {
        using var sut = CreateSut();
        var worker = sut.Register("a", ["llama"]);
        SubmitNow(sut, "llama");
        sut.Submit("llama");

        sut.Complete(worker, "request-1");

        var completed = Assert.IsType<RequestEvent.Completed>(Assert.Single(sut.Events("request-1")));
        Assert.Equal(("request-1", 200, "ok"), (completed.Response.RequestId, (int)completed.Response.StatusCode, completed.Response.Body));
        Assert.Equal(["request-1", "request-2"], sut.RequestsSentTo(worker));
    }

    [Fact]
    public void TrySubmitNow_DuringDrain_RefusedNoCapacity()
    {
        using var sut = CreateSut();
        sut.Register("a", ["llama"], max: 4);
        sut.Submit("llama");
        sut.Core.BeginDrain(TimeSpan.FromSeconds(30));

        var outcome = SubmitNow(sut, "llama");

        Assert.Equal(DispatchFailureKind.NoCapacity, outcome.Rejection!.Kind);
    }
}
