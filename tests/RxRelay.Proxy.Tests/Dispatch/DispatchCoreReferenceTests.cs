using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;
using static RxRelay.Proxy.Tests.Dispatch.CoreHarness;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>The 15 upstream server-core tests (reference 10.1), ported; adjusted ones say why.</summary>
public sealed class DispatchCoreReferenceTests
{
    private static CoreHarness CreateSut(DispatchOptions? options = null) => new(options);

    [Fact]
    public void RegisterWorker_DuplicateAndPaddedModels_AckAndCatalogSanitized()
    {
        using var sut = CreateSut();
        var outbox = new RecordingOutbox();
        var registration = sut.Core.RegisterWorker(
            Provider, "gpu-box-a", ["llama-3.1-70b", "llama-3.1-70b", " mistral-large ", ""], 1, 0,
            "2026-04-bridge-v1", outbox);

        Assert.Equal("worker-1", registration.WorkerId);
        Assert.Equal(["llama-3.1-70b", "mistral-large"], registration.Models);
        Assert.Empty(registration.Warnings);
        var ack = Assert.IsType<RegisterAck>(Assert.Single(outbox.Frames));
        Assert.Equal(("worker-1", "2026-04-bridge-v1"), (ack.WorkerId, ack.ProtocolVersion));
        Assert.Equal(["llama-3.1-70b", "mistral-large"], ack.Models);
        Assert.Equal(["llama-3.1-70b", "mistral-large"], sut.Core.ModelCatalog(Provider));
    }

    [Fact]
    public void Submit_LoadsZeroZeroOne_PicksFirstSecondThirdThenFirst()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"], max: 3, load: 0);
        var w2 = sut.Register("b", ["llama"], max: 3, load: 0);
        var w3 = sut.Register("c", ["llama"], max: 3, load: 1);

        for (var i = 0; i < 4; i++) sut.Submit("llama");

        Assert.Equal(["request-1", "request-4"], sut.RequestsSentTo(w1));
        Assert.Equal(["request-2"], sut.RequestsSentTo(w2));
        Assert.Equal(["request-3"], sut.RequestsSentTo(w3));
    }

    [Fact]
    public void Submit_ProviderQueueFull_RejectsQueueFullAndKeepsExistingEntry()
    {
        using var sut = CreateSut(new DispatchOptions { MaxQueueLength = 1 });
        var w1 = sut.Register("a", ["llama"]);

        sut.Submit("llama");
        sut.Submit("llama");
        var third = sut.Submit("llama");

        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
        Assert.Equal(new SubmitOutcome("request-3", null, DispatchFailure.Of(DispatchFailureKind.QueueFull)), third);
        Assert.Equal(["request-2"], sut.Core.QueuedIds());
    }

    [Fact]
    public void OnModelsUpdate_AddsThenRemovesModel_RoutingFollowsWithoutReconnect()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("mistral");
        Assert.Equal(["request-1"], sut.Core.QueuedIds());

        sut.Core.OnModelsUpdate(w1, ["llama", "mistral"], 0);
        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
        sut.Complete(w1, "request-1");
        sut.Core.OnModelsUpdate(w1, ["llama"], 0);
        sut.Submit("mistral");

        Assert.Equal(["request-2"], sut.Core.QueuedIds());
        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
    }

    [Fact]
    public void OnComplete_MixedQueue_EachWorkerTakesOldestCompatible()
    {
        using var sut = CreateSut();
        var llama = sut.Register("a", ["llama"]);
        var mistral = sut.Register("b", ["mistral"]);
        sut.Submit("llama");
        sut.Submit("mistral");
        sut.Submit("mistral");
        sut.Submit("llama");
        sut.Submit("llama");

        sut.Complete(llama, "request-1");
        sut.Complete(mistral, "request-2");

        Assert.Equal(["request-1", "request-4"], sut.RequestsSentTo(llama));
        Assert.Equal(["request-2", "request-3"], sut.RequestsSentTo(mistral));
        Assert.Equal(["request-5"], sut.Core.QueuedIds());
    }

    [Fact]
    public void Cancel_QueuedRequest_RemovedBeforeDispatch()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Submit("llama");

        Assert.True(sut.Core.Cancel("request-2", CancelReason.ClientDisconnect));
        sut.Complete(w1, "request-1");

        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
        Assert.Empty(sut.Core.QueuedIds());
        Assert.Equal([Failed(DispatchFailureKind.Canceled)], sut.Events("request-2"));
        Assert.DoesNotContain(sut.Outboxes[w1].Frames, f => f is CancelRequest);
    }

    [Fact]
    public void QueueTimeout_ExactlyAtQueueTimePlusTimeout_Expires()
    {
        using var sut = CreateSut(new DispatchOptions { QueueTimeout = TimeSpan.FromSeconds(5) });
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Submit("llama");

        sut.Time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Equal(["request-2"], sut.Core.QueuedIds());
        Assert.Empty(sut.Events("request-2"));
        sut.Time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal([Failed(DispatchFailureKind.QueueTimeout)], sut.Events("request-2"));
        Assert.Empty(sut.Core.QueuedIds());
        sut.Complete(w1, "request-1");
        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
    }

    [Fact]
    public void QueueTimeout_TwoQueued_OnlyTheOlderExpires()
    {
        using var sut = CreateSut(new DispatchOptions { QueueTimeout = TimeSpan.FromSeconds(5) });
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Submit("llama");
        sut.Time.Advance(TimeSpan.FromSeconds(3));
        sut.Submit("llama");

        sut.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal([Failed(DispatchFailureKind.QueueTimeout)], sut.Events("request-2"));
        Assert.Equal(["request-3"], sut.Core.QueuedIds());
        sut.Complete(w1, "request-1");
        Assert.Equal(["request-1", "request-3"], sut.RequestsSentTo(w1));
    }

    /// <summary>Adjusted (fix 1): upstream keeps the slot until response_complete; RxRelay frees it at once.</summary>
    [Fact]
    public void Cancel_InFlight_OneCancelFrameAndSlotFreedAtOnce()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Submit("llama");

        sut.Core.Cancel("request-1", CancelReason.ClientDisconnect);

        Assert.Equal(
            [new CancelRequest("request-1", CancelReason.ClientDisconnect)],
            sut.Outboxes[w1].AfterAck.OfType<CancelRequest>());
        Assert.Equal(["request-1", "request-2"], sut.RequestsSentTo(w1));
        Assert.Equal(FrameVerdict.Dropped, sut.Complete(w1, "request-1"));
        Assert.Equal(["request-2"], sut.Core.InFlightOf(w1));
    }

    [Fact]
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

    /// <summary>Adjusted: the cancel already ended the request (slot freed), so the disconnect finds nothing.</summary>
    [Fact]
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

    [Fact]
    public void Submit_WildcardWorkerMaxTwo_TakesAnyModelsThenQueues()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["*"], max: 2);
        sut.Submit("llama");
        sut.Submit("mistral");
        sut.Submit("qwen");

        Assert.Equal(["request-3"], sut.Core.QueuedIds());
        sut.Complete(w1, "request-1");

        Assert.Equal(["request-1", "request-2", "request-3"], sut.RequestsSentTo(w1));
    }

    [Fact]
    public void Submit_WildcardWorker_GetsUnknownModelAtOnce()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["*"]);

        sut.Submit("any-random-model");

        var request = Assert.IsType<WorkerRequest>(Assert.Single(sut.Outboxes[w1].AfterAck));
        Assert.Equal(("request-1", "any-random-model"), (request.RequestId, request.Model));
    }

    [Fact]
    public void ModelCatalog_WildcardWorker_WildcardFilteredOut()
    {
        using var sut = CreateSut();
        sut.Register("a", ["gpt-4", "*", "gpt-3.5"]);
        sut.Register("b", ["gpt-4"]);

        Assert.Equal(["gpt-4", "gpt-3.5"], sut.Core.ModelCatalog(Provider));
    }
}
