using RxRelay.Protocol.WebSockets;
using static RxRelay.Protocol.Tests.WebSockets.Frames;

namespace RxRelay.Protocol.Tests.WebSockets;

/// <summary>The stream under a WebSocket: every byte passes unchanged, and every byte read reaches the guard.</summary>
public sealed class FrameHeaderGuardStreamTests
{
    private static readonly byte[] Inbound = [.. Frame(Text, true, 300), .. Frame(Ping, true, 5), .. Header(Binary, true, 20_000, masked: false)];

    private static (MemoryStream Inner, FrameHeaderGuardStream Sut) CreateSut()
    {
        var inner = new MemoryStream();
        inner.Write(Inbound);
        inner.Position = 0;
        return (inner, new FrameHeaderGuardStream(inner, new FrameHeaderGuard(maxFrameBytes: 10_000, maxMessageBytes: 10_000)));
    }

    [Fact]
    public async Task ReadAsync_InSmallReads_PassesEveryByteAndTheGuardRefusesTheLastFrame()
    {
        var (_, sut) = CreateSut();
        var received = new List<byte>();
        var buffer = new byte[7];

        int read;
        while ((read = await sut.ReadAsync(buffer.AsMemory())) > 0)
        {
            received.AddRange(buffer[..read]);
        }

        Assert.Equal(Inbound, received);
        Assert.Equal(FrameLimitVerdict.FrameTooBig, sut.Guard.Verdict);
        Assert.True(sut.Guard.Refuses(1));
    }

    [Fact]
    public void Read_Synchronously_ShowsTheBytesToTheGuardToo()
    {
        var (_, sut) = CreateSut();
        var buffer = new byte[Inbound.Length];

        sut.ReadExactly(buffer, 0, buffer.Length);

        Assert.Equal(Inbound, buffer);
        Assert.Equal(FrameLimitVerdict.FrameTooBig, sut.Guard.Verdict);
    }

    [Fact]
    public void ReadAsync_CompletingAtOnce_AllocatesNothing()
    {
        var (inner, sut) = CreateSut();
        var buffer = new byte[100];
        var read = 0;

        var allocated = AllocatedBy(() =>
        {
            inner.Position = 0;
            read = ReadAtOnce(sut, buffer);
        });

        Assert.Equal(0, allocated);
        Assert.Equal(buffer.Length, read);
    }

    [Fact]
    public async Task WriteAsync_PassesThroughAndIsNotInspected()
    {
        var inner = new MemoryStream();
        var sut = new FrameHeaderGuardStream(inner, new FrameHeaderGuard(maxFrameBytes: 10, maxMessageBytes: 10));
        var outbound = Header(Text, true, 1000, masked: true);

        await sut.WriteAsync(outbound);

        Assert.Equal(outbound, inner.ToArray());
        Assert.Equal(FrameLimitVerdict.None, sut.Guard.Verdict);
    }

    // Outside the test method (xUnit1031), and without asserting inside the measurement (assertions allocate).
    private static int ReadAtOnce(Stream stream, byte[] buffer)
    {
        var read = stream.ReadAsync(buffer.AsMemory());
        return read.IsCompletedSuccessfully ? read.Result : throw new InvalidOperationException("the read over a MemoryStream waited");
    }

    private static long AllocatedBy(Action action)
    {
        action(); // warm up: JIT
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
