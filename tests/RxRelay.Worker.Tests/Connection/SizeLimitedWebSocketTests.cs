using System.Net.WebSockets;
using RxRelay.Protocol.WebSockets;
using RxRelay.Worker.Connection;

namespace RxRelay.Worker.Tests.Connection;

/// <summary>
/// Inbound size limits: the worker refuses what the proxy sends over upstream's limits, without reading it.
/// The frame-header guard under the socket reads each frame's declared length, so a refusal comes from the
/// header, after exactly one receive buffer of payload (the receive that was under way).
/// </summary>
public sealed class SizeLimitedWebSocketTests
{
    private const byte Text = 0x1;
    private const byte Continuation = 0x0;
    private const long MiB = 1024 * 1024;

    /// <summary>The receive buffer of <see cref="ReceiveAllAsync"/>, as Websocket.Client's.</summary>
    private const int ReceiveBuffer = 4096;

    [Fact]
    public async Task Receive_300MiBFrame_ClosesWith1009FromItsHeaderAfterOneReceiveBuffer()
    {
        var (stream, sut) = CreateSut((Text, true, 300 * MiB));

        var refusal = await Assert.ThrowsAsync<InboundTooLargeException>(() => ReceiveAllAsync(sut));

        Assert.Equal("frame", refusal.What);
        Assert.Equal(ReceiveBuffer, stream.PayloadServed);
        Assert.Equal(1009, stream.ClientCloseCode);
    }

    [Fact]
    public async Task Receive_FrameOfExactlyTheLimit_IsDeliveredWhole()
    {
        var (stream, sut) = CreateSut((Text, true, InboundLimits.MaxFrameBytes));

        var received = await ReceiveAllAsync(sut);

        Assert.Equal([InboundLimits.MaxFrameBytes], received);
        Assert.Null(stream.ClientCloseCode);
    }

    [Fact]
    public async Task Receive_FiveFramesOf15MiB_RefusedAsAMessageOver64MiBFromTheFifthHeader()
    {
        var (stream, sut) = CreateSut(
            (Text, false, 15 * MiB), (Continuation, false, 15 * MiB), (Continuation, false, 15 * MiB),
            (Continuation, false, 15 * MiB), (Continuation, true, 15 * MiB));

        var refusal = await Assert.ThrowsAsync<InboundTooLargeException>(() => ReceiveAllAsync(sut));

        Assert.Equal("message", refusal.What);
        Assert.Equal((60 * MiB) + ReceiveBuffer, stream.PayloadServed);
        Assert.Equal(1009, stream.ClientCloseCode);
    }

    [Fact]
    public async Task Receive_FourFramesOf15MiB_DeliveredAsOne60MiBMessage()
    {
        var (stream, sut) = CreateSut(
            (Text, false, 15 * MiB), (Continuation, false, 15 * MiB), (Continuation, false, 15 * MiB), (Continuation, true, 15 * MiB));

        var received = await ReceiveAllAsync(sut);

        Assert.Equal([60 * MiB], received);
        Assert.Null(stream.ClientCloseCode);
    }

    [Fact]
    public async Task Receive_TwoMessagesUnderTheLimit_CountsStartAgainAtEachMessage()
    {
        var (_, sut) = CreateSut((Text, true, 10 * MiB), (Text, true, 10 * MiB));

        var received = await ReceiveAllAsync(sut);

        Assert.Equal([10 * MiB, 10 * MiB], received);
    }

    // Twenty frames of 256 x 4,093 bytes fill every 4,093-byte read exactly; the reader that guessed frame
    // ends from short reads counted them as one 20 MiB frame and refused it.
    [Fact]
    public async Task Receive_20MiBMessageInTwentyFramesOfAMultipleOf4093Bytes_DeliveredWhole()
    {
        const long frame = 256 * 4093;
        var frames = Enumerable.Range(0, 20).Select(i => (i == 0 ? Text : Continuation, i == 19, frame)).ToArray();
        var (stream, sut) = CreateSut(frames);

        var received = await ReceiveAllAsync(sut);

        Assert.Equal([20 * frame], received);
        Assert.Null(stream.ClientCloseCode);
    }

    [Fact]
    public async Task Receive_MessageOver64MiBAfterAWholeOne_DeliversTheFirstThenRefuses()
    {
        var (stream, sut) = CreateSut(
            (Text, true, 10), (Text, false, 16 * MiB), (Continuation, false, 16 * MiB), (Continuation, false, 16 * MiB),
            (Continuation, false, 16 * MiB), (Continuation, true, 1));
        var received = new List<long>();

        var refusal = await Assert.ThrowsAsync<InboundTooLargeException>(() => ReceiveAllAsync(sut, received));

        Assert.Equal("message", refusal.What);
        Assert.Equal([10], received);
        Assert.Equal(10 + (64 * MiB) + 1, stream.PayloadServed);
        Assert.Equal(1009, stream.ClientCloseCode);
    }

    [Fact]
    public async Task Receive_TextBinaryFragmentedText_LastMessageWasTextFollowsEachWholeMessage()
    {
        const byte binary = 0x2;
        var (_, sut) = CreateSut((Text, true, 10), (binary, true, 10), (Text, false, 10), (Continuation, true, 10));
        var buffer = new byte[ReceiveBuffer];
        var seen = new List<bool>();

        for (var i = 0; i < 4; i++)
        {
            var result = await sut.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
            seen.Add(sut.LastMessageWasText);
            Assert.Equal(i != 2, result.EndOfMessage);
        }

        Assert.Equal([true, false, false, true], seen); // the first frame of the last message does not end it: still the binary one
    }

    private static (ScriptedFrameStream Stream, SizeLimitedWebSocket Sut) CreateSut(params (byte Opcode, bool Fin, long Length)[] frames)
    {
        var stream = new ScriptedFrameStream(frames);
        var guard = new FrameHeaderGuard(InboundLimits.MaxFrameBytes, InboundLimits.MaxMessageBytes);
        var socket = WebSocket.CreateFromStream(new FrameHeaderGuardStream(stream, guard), new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        return (stream, new SizeLimitedWebSocket(socket, guard));
    }

    // As Websocket.Client reads (4 KiB at a time), but keeping only sizes; stops at EOF.
    private static async Task<List<long>> ReceiveAllAsync(WebSocket socket, List<long>? sizes = null)
    {
        sizes ??= [];
        var buffer = new byte[ReceiveBuffer];
        var size = 0L;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                size += result.Count;
                if (result.EndOfMessage)
                {
                    sizes.Add(size);
                    size = 0;
                }
            }
        }
        catch (WebSocketException)
        {
            return sizes; // EOF: the scripted proxy has nothing more
        }
    }
}
