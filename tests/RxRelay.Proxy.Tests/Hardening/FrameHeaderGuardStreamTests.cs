using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Tests.Hardening;

public sealed class FrameHeaderGuardStreamTests
{
    private static FrameHeaderGuardStream CreateSut() => new(Stream.Null);

    private static byte[] MaskedHeader(long length) => length switch
    {
        < 126 => [0x81, (byte)(0x80 | length), 1, 2, 3, 4],
        <= ushort.MaxValue => [0x81, 0x80 | 126, (byte)(length >> 8), (byte)length, 1, 2, 3, 4],
        _ => [0x81, 0x80 | 127, .. BitConverter.GetBytes(length).Reverse(), 1, 2, 3, 4],
    };

    [Fact]
    public void Inspect_FrameOf16MiB_Accepted()
    {
        var sut = CreateSut();

        sut.Inspect(MaskedHeader(WorkerSocketLimits.MaxFrameBytes));

        Assert.False(sut.OversizedFrame);
    }

    [Fact]
    public void Inspect_FrameOneByteOver16MiB_FlaggedFromTheHeaderAlone()
    {
        var sut = CreateSut();

        sut.Inspect(MaskedHeader(WorkerSocketLimits.MaxFrameBytes + 1));

        Assert.True(sut.OversizedFrame);
    }

    [Fact]
    public void Inspect_HeadersSplitAcrossReadsAndPayloadsSkipped_FindsTheOversizedSecondFrame()
    {
        var sut = CreateSut();
        byte[] stream = [.. MaskedHeader(300), .. new byte[300], .. MaskedHeader(5), .. new byte[5], .. MaskedHeader(20L * 1024 * 1024)];

        foreach (var b in stream.AsSpan(0, stream.Length - 1))
        {
            sut.Inspect([b]);
            Assert.False(sut.OversizedFrame);
        }

        sut.Inspect(stream.AsSpan(stream.Length - 1));
        Assert.True(sut.OversizedFrame);
    }

    [Fact]
    public void Inspect_PayloadBytesThatLookLikeAHugeHeader_NotMistakenForOne()
    {
        var sut = CreateSut();
        byte[] payload = [0x81, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

        sut.Inspect([.. MaskedHeader(payload.Length), .. payload, .. MaskedHeader(0)]);

        Assert.False(sut.OversizedFrame);
    }
}
