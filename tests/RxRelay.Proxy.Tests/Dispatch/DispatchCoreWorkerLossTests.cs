namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>A worker lost (socket gone, or its frame sink full): its requests requeued, failed, or handed on.</summary>
public sealed class DispatchCoreWorkerLossTests
{
    private static CoreHarness CreateSut() => new();

    [Fact] // item 22
    [Trait(TestSource.Trait, TestSource.HarnessScenario)]
    public void OnWorkerGone_LiveInFlight_QueueHoldsIt()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");

        sut.Core.OnWorkerGone(w1);

        Assert.Equal(["request-1"], sut.Core.QueuedIds());
        Assert.Empty(sut.Core.Snapshot().Workers);
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void OnWorkerGone_LiveInFlight_RequeuedThenTakenByUpdatedWorker()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        var w2 = sut.Register("b", ["mistral"]);
        sut.Submit("llama");

        sut.Core.OnWorkerGone(w1);
        Assert.Equal(["request-1"], sut.Core.QueuedIds());
        sut.Core.OnModelsUpdate(w2, ["mistral", "llama"], 0);

        Assert.Equal(["request-1"], sut.RequestsSentTo(w2));
        Assert.Empty(sut.Core.QueuedIds());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void OnWorkerGone_SecondWorkerIdle_RequeuedRequestGoesStraightToIt()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        var w2 = sut.Register("b", ["llama"]);

        sut.Core.OnWorkerGone(w1);

        Assert.Equal(["request-1"], sut.RequestsSentTo(w2));
        Assert.Empty(sut.Core.QueuedIds());
        Assert.Empty(sut.Events("request-1"));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void OnWorkerGone_StreamingRequestNotStarted_IsRequeued()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama", streaming: true);

        sut.Core.OnWorkerGone(w1);

        Assert.Equal(["request-1"], sut.Core.QueuedIds());
        Assert.Empty(sut.Events("request-1"));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void OnWorkerGone_StreamingRequestAlreadySentBytes_FailsWithSseErrorAndIsNotReplayed()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama", streaming: true);
        var w2 = sut.Register("b", ["llama"]);
        sut.Core.OnChunk(w1, "request-1", "data: first\n\n");

        sut.Core.OnWorkerGone(w1);

        var failure = DispatchFailure.Of(DispatchFailureKind.WorkerDisconnectedMidStream);
        Assert.Equal([new RequestEvent.Chunk("data: first\n\n"), new RequestEvent.Failed(failure)], sut.Events("request-1"));
        Assert.True(sut.IsEnded("request-1"));
        Assert.Equal(
            "event: error\ndata: {\"error\":{\"type\":\"worker_disconnected\",\"message\":\"worker disconnected mid-stream\"}}\n\n",
            failure.SseErrorEvent);
        Assert.Empty(sut.RequestsSentTo(w2));
        Assert.Empty(sut.Core.QueuedIds());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void OnWorkerGone_RequestServedByOtherProvidersWorker_RequeuedIntoItsOwnProviderQueue()
    {
        using var sut = CreateSut();
        var foreign = sut.Register("a", ["llama"], provider: "anthropic");
        sut.Submit("llama", provider: "openai");
        Assert.Equal(["request-1"], sut.RequestsSentTo(foreign));

        sut.Core.OnWorkerGone(foreign);

        Assert.Equal([KeyValuePair.Create("openai", 1)], sut.Core.Snapshot().QueueDepths);
        sut.Core.Cancel("request-1", CancelReason.ClientDisconnect);
        Assert.Equal([KeyValuePair.Create("openai", 0)], sut.Core.Snapshot().QueueDepths);
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void OnWorkerGone_FourthLoss_FailsRequeueExhausted()
    {
        using var sut = CreateSut();
        var worker = sut.Register("w1", ["llama"]);
        sut.Submit("llama");

        for (var attempt = 2; attempt <= 4; attempt++)
        {
            sut.Core.OnWorkerGone(worker);
            Assert.Equal(["request-1"], sut.Core.QueuedIds());
            worker = sut.Register("w" + attempt, ["llama"]);
            Assert.Equal(["request-1"], sut.RequestsSentTo(worker));
        }

        sut.Core.OnWorkerGone(worker);

        Assert.Equal([Failed(DispatchFailureKind.RequeueExhausted)], sut.Events("request-1"));
        Assert.Empty(sut.Core.QueuedIds());
    }

    /// <summary>Adjusted: the cancel already ended the request (slot freed), so the disconnect finds nothing.</summary>
    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void OnWorkerGone_AfterCancel_NotRequeuedAndClientSawCanceled()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Core.Cancel("request-1", CancelReason.ClientDisconnect);

        sut.Core.OnWorkerGone(w1);

        Assert.Equal([Failed(DispatchFailureKind.Canceled)], sut.Events("request-1"));
        Assert.Empty(sut.Core.QueuedIds());
        Assert.Equal(0, sut.Core.LiveRequestCount);
    }

    [Fact]
    public void Submit_FrameSinkRefusesRequest_WorkerClosed1011AndRequestRequeuedElsewhere()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        var w2 = sut.Register("b", ["llama"]);
        sut.Submit("llama");
        sut.Sinks[w2].Refuse = true;

        sut.Submit("llama");

        Assert.Equal([(1011, "worker outbound queue full")], sut.Sinks[w2].Closes);
        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
        Assert.Equal(["request-2"], sut.Core.QueuedIds());
        Assert.Equal(["worker-1"], sut.Core.Snapshot().Workers.Select(w => w.WorkerId));
    }
}
