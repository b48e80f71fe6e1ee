namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// Chunks and completions from workers, and frames a worker must not send (docs/protocol.md#frame-handling).
/// </summary>
public sealed class DispatchCoreFrameTests
{
    private static CoreHarness CreateSut() => new();

    [Fact]
    public void OnChunk_NonStreamingRequest_DroppedAndCompletionStillDelivered()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");

        Assert.Equal(FrameVerdict.Dropped, sut.Core.OnChunk(w1, "request-1", "stray"));
        sut.Complete(w1, "request-1", 202, "{}");

        var completed = Assert.IsType<RequestEvent.Completed>(Assert.Single(sut.Events("request-1")));
        Assert.Equal((202, "{}"), (completed.Response.StatusCode, completed.Response.Body));
        Assert.True(sut.IsEnded("request-1"));
    }

    [Fact]
    public void OnChunk_UnknownRequest_ViolationClose1002AndInFlightRequeued()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");

        Assert.Equal(FrameVerdict.ProtocolViolation, sut.Core.OnChunk(w1, "request-99", "x"));

        Assert.Equal([(1002, "worker registration protocol error")], sut.Sinks[w1].Closes);
        Assert.Equal(["request-1"], sut.Core.QueuedIds());
        Assert.False(sut.Core.OnWorkerGone(w1));
    }

    [Fact]
    public void OnComplete_RequestInFlightOnOtherWorker_ViolationAndNotDelivered()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        var w2 = sut.Register("b", ["mistral"]);
        sut.Submit("llama");

        Assert.Equal(FrameVerdict.ProtocolViolation, sut.Complete(w2, "request-1", body: "forged"));

        Assert.Empty(sut.Events("request-1"));
        Assert.Equal([(1002, "worker registration protocol error")], sut.Sinks[w2].Closes);
        Assert.Equal(["request-1"], sut.Core.InFlightOf(w1));
        Assert.Equal(FrameVerdict.Accepted, sut.Complete(w1, "request-1", body: "real"));
        Assert.Equal([new RequestEvent.Completed(Completion("request-1", body: "real"))], sut.Events("request-1"), new CompletionComparer());
    }

    [Fact]
    public void OnComplete_UnknownRequest_DroppedSilently()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);

        Assert.Equal(FrameVerdict.Dropped, sut.Complete(w1, "request-42"));

        Assert.Empty(sut.Sinks[w1].Closes);
    }

    [Fact]
    public void FramesFromUnknownWorker_AreViolations()
    {
        using var sut = CreateSut();

        Assert.Equal(FrameVerdict.ProtocolViolation, sut.Core.OnPong("worker-9", 0));
        Assert.Equal(FrameVerdict.ProtocolViolation, sut.Core.OnModelsUpdate("worker-9", ["x"], 0));
        Assert.Equal(FrameVerdict.ProtocolViolation, sut.Core.OnChunk("worker-9", "request-1", "x"));
        Assert.Equal(FrameVerdict.ProtocolViolation, sut.Complete("worker-9", "request-1"));
    }

    [Fact]
    public void OnProtocolViolation_ClosesWorkerAndRequeuesToOtherWorker()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        var w2 = sut.Register("b", ["llama"]);

        sut.Core.OnProtocolViolation(w1);

        Assert.Equal([(1002, "worker registration protocol error")], sut.Sinks[w1].Closes);
        Assert.Equal(["request-1"], sut.RequestsSentTo(w2));
    }

    private sealed class CompletionComparer : IEqualityComparer<RequestEvent>
    {
        public bool Equals(RequestEvent? x, RequestEvent? y) =>
            x is RequestEvent.Completed a && y is RequestEvent.Completed b
            && (a.Response.RequestId, a.Response.StatusCode, a.Response.Body) == (b.Response.RequestId, b.Response.StatusCode, b.Response.Body);

        public int GetHashCode(RequestEvent obj) => 0;
    }
}
