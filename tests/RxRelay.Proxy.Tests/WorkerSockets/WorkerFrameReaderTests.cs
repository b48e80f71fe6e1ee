using System.Net.WebSockets;
using RxRelay.Protocol.WebSockets;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Tests.WorkerSockets;

/// <summary>
/// The reader asks the frame-header guard under the socket for its verdict: a refused frame or message ends
/// reading with the matching 1009 reason, and the messages before it are still returned.
/// </summary>
public sealed class WorkerFrameReaderTests
{
    private const byte Continuation = 0x0;
    private const byte Binary = 0x2;

    [Fact]
    public async Task ReadAsync_WholeMessageThenAnOversizedFrameInOneRead_ReturnsTheMessageThenRefusesTheFrame()
    {
        using var sut = CreateSut(new FrameHeaderGuard(), [.. Frame(Binary, true, 5), .. Frame(Binary, true, 64 * 1024, declared: 17L * 1024 * 1024)]);

        var first = await sut.ReadAsync(CancellationToken.None);
        var refusal = await Assert.ThrowsAsync<WorkerFrameTooBigException>(() => sut.ReadAsync(CancellationToken.None));

        Assert.Equal((WebSocketMessageType.Binary, 5), (first.Type, first.Payload.Length));
        Assert.Equal(WorkerSocketLimits.FrameTooBig, refusal.Message);
    }

    [Fact]
    public async Task ReadAsync_FragmentThatTakesTheMessageOverTheLimit_RefusedAsAMessage()
    {
        var guard = new FrameHeaderGuard(maxFrameBytes: 1000, maxMessageBytes: 2000);
        using var sut = CreateSut(guard, [.. Frame(Binary, false, 1000), .. Frame(Continuation, false, 1000), .. Frame(Continuation, true, 1)]);

        var refusal = await Assert.ThrowsAsync<WorkerFrameTooBigException>(() => sut.ReadAsync(CancellationToken.None));

        Assert.Equal(WorkerSocketLimits.MessageTooBig, refusal.Message);
        Assert.Equal(FrameLimitVerdict.MessageTooBig, guard.Verdict);
    }

    private static WorkerFrameReader CreateSut(FrameHeaderGuard guard, byte[] inbound)
    {
        var stream = new FrameHeaderGuardStream(new MemoryStream(inbound), guard);
        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        return new WorkerFrameReader(socket, guard);
    }

    // A client frame: masked (key 0, so the payload reads as zeros), declaring `declared` bytes and carrying `length`.
    private static byte[] Frame(byte opcode, bool fin, int length, long? declared = null)
    {
        var size = declared ?? length;
        var first = (byte)((fin ? 0x80 : 0) | opcode);
        byte[] header = size switch
        {
            < 126 => [first, (byte)(0x80 | size)],
            <= ushort.MaxValue => [first, 0x80 | 126, (byte)(size >> 8), (byte)size],
            _ => [first, 0x80 | 127, .. BitConverter.GetBytes(size).Reverse()],
        };
        return [.. header, 0, 0, 0, 0, .. new byte[length]];
    }
}
