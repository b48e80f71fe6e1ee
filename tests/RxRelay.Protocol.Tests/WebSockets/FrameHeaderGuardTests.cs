using RxRelay.Protocol.WebSockets;
using static RxRelay.Protocol.Tests.WebSockets.Frames;

namespace RxRelay.Protocol.Tests.WebSockets;

/// <summary>
/// The frame limits read from frame headers (docs/protocol.md#size-limits): exact declared lengths in every
/// length form, headers split anywhere across reads, payloads skipped by count, and messages summed over
/// their fragments with control frames left out.
/// </summary>
public sealed class FrameHeaderGuardTests
{
    private const int MiB = 1024 * 1024;

    /// <summary>One frame's payload at the real frame limit, fed as one span (the guard only counts it).</summary>
    private static readonly byte[] FullFramePayload = new byte[WebSocketLimits.MaxFrameBytes];

    private static FrameHeaderGuard CreateSut() => new();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Inspect_FrameOfExactlyTheFrameLimit_Accepted(bool masked)
    {
        var sut = CreateSut();

        sut.Inspect(Header(Text, true, WebSocketLimits.MaxFrameBytes, masked));

        Assert.Equal(FrameLimitVerdict.None, sut.Verdict);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Inspect_FrameOneByteOverTheFrameLimit_RefusedFromTheHeaderAlone(bool masked)
    {
        var sut = CreateSut();

        sut.Inspect(Header(Text, true, WebSocketLimits.MaxFrameBytes + 1L, masked));

        Assert.Equal(FrameLimitVerdict.FrameTooBig, sut.Verdict);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(125, true)] // the largest 7-bit length
    [InlineData(126, false)] // the smallest 16-bit length
    [InlineData(65535, true)] // the largest 16-bit length
    [InlineData(65536, false)] // the smallest 64-bit length
    [InlineData(65536, true)]
    public void Inspect_EachLengthForm_ReadsTheDeclaredLengthExactly(int length, bool masked)
    {
        var atLimit = new FrameHeaderGuard(maxFrameBytes: length);
        var underIt = new FrameHeaderGuard(maxFrameBytes: length - 1);

        atLimit.Inspect(Header(Binary, true, length, masked));
        underIt.Inspect(Header(Binary, true, length, masked));

        Assert.Equal(FrameLimitVerdict.None, atLimit.Verdict);
        Assert.Equal(FrameLimitVerdict.FrameTooBig, underIt.Verdict);
    }

    [Fact]
    public void Inspect_64BitLengthWithTheTopBitSet_RefusedAsHuge()
    {
        var sut = CreateSut();

        sut.Inspect([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1]);

        Assert.Equal(FrameLimitVerdict.FrameTooBig, sut.Verdict);
    }

    [Fact]
    public void Inspect_HeadersSplitAcrossReadsAndPayloadsSkipped_FindsTheOversizedSecondFrame()
    {
        var sut = CreateSut();
        byte[] stream = [.. Frame(Text, true, 300, masked: true), .. Frame(Text, true, 5, masked: true), .. Header(Text, true, 20L * MiB, masked: true)];

        foreach (var b in stream.AsSpan(0, stream.Length - 1))
        {
            sut.Inspect([b]);
            Assert.Equal(FrameLimitVerdict.None, sut.Verdict);
        }

        sut.Inspect(stream.AsSpan(stream.Length - 1));
        Assert.Equal(FrameLimitVerdict.FrameTooBig, sut.Verdict);
    }

    [Fact]
    public void Inspect_PayloadBytesThatLookLikeAHugeHeader_NotMistakenForOne()
    {
        var sut = CreateSut();
        byte[] payload = [0x81, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

        sut.Inspect([.. Header(Text, true, payload.Length, masked: true), .. payload, .. Header(Text, true, 0, masked: true)]);

        Assert.Equal(FrameLimitVerdict.None, sut.Verdict);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Inspect_SplitInTwoAtEveryBytePosition_SameVerdictAsInOneRead(bool masked)
    {
        // Every length form, then a frame one byte over the limit: only its last header byte may refuse.
        var limit = 70_000;
        byte[] stream =
        [
            .. Frame(Text, true, 125, masked), .. Frame(Binary, false, 126, masked), .. Frame(Ping, true, 3, masked),
            .. Frame(Continuation, true, 65_536, masked), .. Frame(Text, true, limit, masked), .. Header(Text, true, limit + 1, masked),
        ];

        for (var at = 0; at <= stream.Length; at++)
        {
            var sut = new FrameHeaderGuard(maxFrameBytes: limit, maxMessageBytes: 4 * limit);

            sut.Inspect(stream.AsSpan(0, at));
            Assert.Equal(at == stream.Length ? FrameLimitVerdict.FrameTooBig : FrameLimitVerdict.None, sut.Verdict);
            sut.Inspect(stream.AsSpan(at));

            Assert.Equal(FrameLimitVerdict.FrameTooBig, sut.Verdict);
            Assert.False(sut.Refuses(2));
            Assert.True(sut.Refuses(3));
        }
    }

    [Fact]
    public void Inspect_MessageOfExactlyTheMessageLimitInFourFrames_Accepted()
    {
        var sut = CreateSut();

        FeedFrame(sut, Text, fin: false);
        FeedFrame(sut, Continuation, fin: false);
        FeedFrame(sut, Continuation, fin: false);
        FeedFrame(sut, Continuation, fin: true);
        FeedFrame(sut, Text, fin: true); // the next message counts from zero

        Assert.Equal(FrameLimitVerdict.None, sut.Verdict);
    }

    [Fact]
    public void Inspect_MessageOneByteOverTheMessageLimit_RefusedAtTheHeaderThatTakesItOver()
    {
        var sut = CreateSut();
        FeedFrame(sut, Text, fin: false);
        FeedFrame(sut, Continuation, fin: false);
        FeedFrame(sut, Continuation, fin: false);
        FeedFrame(sut, Continuation, fin: false);
        Assert.Equal(FrameLimitVerdict.None, sut.Verdict);

        sut.Inspect(Header(Continuation, true, 1, masked: false));

        Assert.Equal(FrameLimitVerdict.MessageTooBig, sut.Verdict);
        Assert.True(sut.Refuses(0));
    }

    [Fact]
    public void Inspect_ControlFramesInterleavedInAFragmentedMessage_NotCountedInIt()
    {
        var sut = new FrameHeaderGuard(maxFrameBytes: 125, maxMessageBytes: 100);

        sut.Inspect([
            .. Frame(Text, false, 40), .. Frame(Ping, true, 125), .. Frame(Continuation, false, 40),
            .. Frame(Pong, true, 125), .. Frame(Close, true, 2), .. Frame(Continuation, true, 20)]);
        var atLimit = sut.Verdict;
        sut.Inspect([.. Frame(Binary, false, 60), .. Frame(Ping, true, 0), .. Header(Continuation, true, 41, masked: false)]);

        Assert.Equal(FrameLimitVerdict.None, atLimit);
        Assert.Equal(FrameLimitVerdict.MessageTooBig, sut.Verdict);
        Assert.False(sut.Refuses(0));
        Assert.True(sut.Refuses(1));
    }

    [Fact]
    public void Refuses_MessagesBeforeTheRefusedOne_NotRefused()
    {
        var sut = CreateSut();

        sut.Inspect([.. Frame(Text, true, 10), .. Frame(Binary, false, 3), .. Frame(Continuation, true, 3), .. Header(Text, false, 17L * MiB, masked: false)]);

        Assert.Equal(new[] { false, false, true, true }, new long[] { 0, 1, 2, 3 }.Select(sut.Refuses));
    }

    [Fact]
    public void Refuses_NoVerdict_NotEvenForLaterMessages()
    {
        var sut = CreateSut();

        sut.Inspect(Frame(Text, true, 10));

        Assert.False(sut.Refuses(0));
        Assert.False(sut.Refuses(long.MaxValue));
    }

    [Fact]
    public void Inspect_AfterAVerdict_ReadsNoFurther()
    {
        var sut = new FrameHeaderGuard(maxFrameBytes: 10, maxMessageBytes: 100);

        sut.Inspect([.. Header(Text, false, 11, masked: false), .. Header(Text, true, 200, masked: false)]);

        Assert.Equal(FrameLimitVerdict.FrameTooBig, sut.Verdict);
        Assert.True(sut.Refuses(0));
    }

    [Fact]
    public void AfterHttpResponseHead_SplitAtEveryBytePosition_SkipsTheHeadThenReadsFrames()
    {
        byte[] stream =
        [
            .. "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"u8,
            .. Frame(Text, true, 200), .. Header(Text, true, 1001, masked: false),
        ];

        for (var at = 0; at <= stream.Length; at++)
        {
            var sut = FrameHeaderGuard.AfterHttpResponseHead(maxFrameBytes: 1000, maxMessageBytes: 1000);

            sut.Inspect(stream.AsSpan(0, at));
            sut.Inspect(stream.AsSpan(at));

            Assert.Equal(FrameLimitVerdict.FrameTooBig, sut.Verdict);
            Assert.False(sut.Refuses(0));
            Assert.True(sut.Refuses(1));
        }
    }

    [Fact]
    public void AfterHttpResponseHead_HeadBytesThatLookLikeAHugeHeader_NotMistakenForOne()
    {
        var sut = FrameHeaderGuard.AfterHttpResponseHead(maxFrameBytes: 10, maxMessageBytes: 10);

        // '\r' '\r' '\n' '\r' '\n' still ends the head; before it, 0x81 0x7F would declare a 64-bit length.
        sut.Inspect([.. "HTTP/1.1 101 "u8, 0x81, 0x7F, .. "\r\r\n\r\n"u8, .. Frame(Text, true, 10)]);

        Assert.Equal(FrameLimitVerdict.None, sut.Verdict);
    }

    [Fact]
    public void Inspect_ManyFramesInManyReads_AllocatesNothing()
    {
        var sut = CreateSut();
        byte[] stream = [.. Frame(Text, false, 300, masked: true), .. Frame(Ping, true, 4, masked: true), .. Frame(Continuation, true, 70_000, masked: true)];

        var allocated = AllocatedBy(() =>
        {
            for (var at = 0; at < stream.Length; at += 1000)
            {
                sut.Inspect(stream.AsSpan(at, Math.Min(1000, stream.Length - at)));
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(FrameLimitVerdict.None, sut.Verdict);
    }

    private static void FeedFrame(FrameHeaderGuard sut, byte opcode, bool fin)
    {
        sut.Inspect(Header(opcode, fin, FullFramePayload.Length, masked: false));
        sut.Inspect(FullFramePayload);
    }

    private static long AllocatedBy(Action action)
    {
        action(); // warm up: JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
