namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary><see cref="DispatchCore.Cancel"/>: queued or in flight, one <c>cancel</c> frame, slot freed, late frames dropped.</summary>
public sealed class DispatchCoreCancelTests
{
    private static CoreHarness CreateSut() => new();

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
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
        Assert.DoesNotContain(sut.Sinks[w1].Frames, f => f is CancelRequest);
    }

    /// <summary>
    /// Adjusted (docs/differences-from-upstream.md#proxy-cancel-frees-slot): upstream keeps the slot until
    /// response_complete; RxRelay frees it at once.
    /// </summary>
    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void Cancel_InFlight_OneCancelFrameAndSlotFreedAtOnce()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Submit("llama");

        sut.Core.Cancel("request-1", CancelReason.ClientDisconnect);

        Assert.Equal(
            [new CancelRequest("request-1", CancelReason.ClientDisconnect)],
            sut.Sinks[w1].AfterAck.OfType<CancelRequest>());
        Assert.Equal(["request-1", "request-2"], sut.RequestsSentTo(w1));
        Assert.Equal(FrameVerdict.Dropped, sut.Complete(w1, "request-1"));
        Assert.Equal(["request-2"], sut.Core.InFlightOf(w1));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void Cancel_InFlight_SlotReusedAtOnceAndLateFramesIgnored()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama", streaming: true);
        sut.Submit("llama", streaming: true);

        sut.Core.Cancel("request-1", CancelReason.ClientDisconnect);

        Assert.Equal(["request-2"], sut.Core.InFlightOf(w1));
        Assert.Equal(FrameVerdict.Dropped, sut.Core.OnChunk(w1, "request-1", "late"));
        Assert.Equal(FrameVerdict.Dropped, sut.Complete(w1, "request-1"));
        Assert.Empty(sut.Sinks[w1].Closes);
        Assert.Equal([Failed(DispatchFailureKind.Canceled)], sut.Events("request-1"));
        Assert.Equal(FrameVerdict.Accepted, sut.Core.OnChunk(w1, "request-2", "data: hi\n\n"));
        Assert.Equal([new RequestEvent.Chunk("data: hi\n\n")], sut.Events("request-2"));
    }

    [Fact] // item 20
    [Trait(TestSource.Trait, TestSource.HarnessScenario)]
    public void Cancel_InFlight_EmitsOneClientDisconnectSignal()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");

        sut.Core.Cancel("request-1", CancelReason.ClientDisconnect);
        sut.Core.Cancel("request-1", CancelReason.ClientDisconnect);

        Assert.Equal([new CancelRequest("request-1", CancelReason.ClientDisconnect)], sut.Sinks[w1].Frames.OfType<CancelRequest>());
    }

    [Fact] // item 21
    [Trait(TestSource.Trait, TestSource.HarnessScenario)]
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
}
