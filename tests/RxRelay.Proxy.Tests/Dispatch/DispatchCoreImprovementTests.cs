using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;
using static RxRelay.Proxy.Tests.Dispatch.CoreHarness;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>One test per RxRelay improvement over upstream dispatch (DESIGN.md fixes 1, 4, 5, 6, 13).</summary>
public sealed class DispatchCoreImprovementTests
{
    private static CoreHarness CreateSut(DispatchOptions? options = null) => new(options);

    [Fact]
    public void RegisterWorker_RequestQueuedBeforehand_DispatchedAtOnceWithoutPong()
    {
        using var sut = CreateSut();
        sut.Submit("llama");

        var w1 = sut.Register("late", ["llama"]);

        var frames = sut.Outboxes[w1].Frames;
        Assert.IsType<RegisterAck>(frames[0]);
        var request = Assert.IsType<WorkerRequest>(frames[1]);
        Assert.Equal(
            ("request-1", "llama", "/v1/chat/completions", false, "{\"model\":\"llama\"}"),
            (request.RequestId, request.Model, request.EndpointPath, request.IsStreaming, request.Body));
        Assert.Equal(2, frames.Count);
        Assert.Empty(sut.Core.QueuedIds());
    }

    [Fact]
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
        Assert.Empty(sut.Outboxes[w1].Closes);
        Assert.Equal([Failed(DispatchFailureKind.Canceled)], sut.Events("request-1"));
        Assert.Equal(FrameVerdict.Accepted, sut.Core.OnChunk(w1, "request-2", "data: hi\n\n"));
        Assert.Equal([new RequestEvent.Chunk("data: hi\n\n")], sut.Events("request-2"));
    }

    [Fact]
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
    public void OnChunk_ClientTooSlow_BufferBoundedStreamErrorCancelAndSlotFreed()
    {
        using var sut = CreateSut(new DispatchOptions { StreamBufferChunks = 2 });
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama", streaming: true);
        sut.Submit("llama", streaming: true);

        Assert.Equal(FrameVerdict.Accepted, sut.Core.OnChunk(w1, "request-1", "one"));
        Assert.Equal(FrameVerdict.Accepted, sut.Core.OnChunk(w1, "request-1", "two"));
        Assert.Equal(FrameVerdict.Dropped, sut.Core.OnChunk(w1, "request-1", "three"));

        Assert.Equal(
            [new RequestEvent.Chunk("one"), new RequestEvent.Chunk("two"), Failed(DispatchFailureKind.ClientTooSlow)],
            sut.Events("request-1"));
        Assert.Equal(
            "event: error\ndata: {\"error\":{\"type\":\"stream_error\",\"message\":\"client too slow\"}}\n\n",
            DispatchFailure.Of(DispatchFailureKind.ClientTooSlow).SseErrorEvent);
        Assert.Equal(new CancelRequest("request-1", CancelReason.ClientDisconnect), sut.Outboxes[w1].Frames[2]);
        Assert.Equal(["request-2"], sut.Core.InFlightOf(w1));
        Assert.Equal(FrameVerdict.Dropped, sut.Core.OnChunk(w1, "request-1", "four"));
    }

    [Fact]
    public void OnChunk_ReaderKeepsUp_BufferNeverOverflows()
    {
        using var sut = CreateSut(new DispatchOptions { StreamBufferChunks = 2, StreamBufferChars = 10 });
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama", streaming: true);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(FrameVerdict.Accepted, sut.Core.OnChunk(w1, "request-1", "0123456789"));
            Assert.Single(sut.Events("request-1"));
        }
    }

    [Fact]
    public void OnChunk_CharacterBudgetExceeded_ClientTooSlow()
    {
        using var sut = CreateSut(new DispatchOptions { StreamBufferChars = 10 });
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama", streaming: true);

        Assert.Equal(FrameVerdict.Accepted, sut.Core.OnChunk(w1, "request-1", new string('x', 25)));
        Assert.Equal(FrameVerdict.Dropped, sut.Core.OnChunk(w1, "request-1", "y"));

        Assert.Equal(Failed(DispatchFailureKind.ClientTooSlow), sut.Events("request-1")[^1]);
    }

    [Fact]
    public void QueueTimeout_RequeuedRequest_KeepsOriginalDeadline()
    {
        using var sut = CreateSut(new DispatchOptions { QueueTimeout = TimeSpan.FromSeconds(30) });
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Time.Advance(TimeSpan.FromSeconds(20));
        sut.Core.OnWorkerGone(w1);

        sut.Time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.Equal(["request-1"], sut.Core.QueuedIds());
        sut.Time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal([Failed(DispatchFailureKind.QueueTimeout)], sut.Events("request-1"));
    }
}
