namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>The bounded per-request buffer of <see cref="DispatchCore.OnChunk"/>: a client too slow to read is cut off.</summary>
public sealed class DispatchCoreStreamBufferTests
{
    private static CoreHarness CreateSut(DispatchOptions? options = null) => new(options);

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
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
        Assert.Equal(new CancelRequest("request-1", CancelReason.ClientDisconnect), sut.Sinks[w1].Frames[2]);
        Assert.Equal(["request-2"], sut.Core.InFlightOf(w1));
        Assert.Equal(FrameVerdict.Dropped, sut.Core.OnChunk(w1, "request-1", "four"));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
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
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void OnChunk_CharacterBudgetExceeded_ClientTooSlow()
    {
        using var sut = CreateSut(new DispatchOptions { StreamBufferChars = 10 });
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama", streaming: true);

        Assert.Equal(FrameVerdict.Accepted, sut.Core.OnChunk(w1, "request-1", new string('x', 25)));
        Assert.Equal(FrameVerdict.Dropped, sut.Core.OnChunk(w1, "request-1", "y"));

        Assert.Equal(Failed(DispatchFailureKind.ClientTooSlow), sut.Events("request-1")[^1]);
    }
}
