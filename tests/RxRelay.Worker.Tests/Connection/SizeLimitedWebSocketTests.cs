using System.Net.WebSockets;
using RxRelay.Worker.Connection;

namespace RxRelay.Worker.Tests.Connection;

/// <summary>
/// Inbound size limits: the worker refuses what the proxy sends over upstream's limits, without reading it.
/// </summary>
public sealed class SizeLimitedWebSocketTests
{
    private const byte Text = 0x1;
    private const byte Continuation = 0x0;
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Receive_300MiBFrame_ClosesWith1009AfterReadingJustOverTheFrameLimit()
    {
        var (stream, sut) = CreateSut((Text, true, 300 * MiB));

        var refusal = await Assert.ThrowsAsync<InboundTooLargeException>(() => ReceiveAllAsync(sut));

        Assert.Equal("frame", refusal.What);
        Assert.Equal(InboundLimits.MaxFrameBytes + SizeLimitedWebSocket.ReadSize - (InboundLimits.MaxFrameBytes % SizeLimitedWebSocket.ReadSize), stream.PayloadServed);
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
    public async Task Receive_FiveFramesOf15MiB_RefusedAsAMessageOver64MiB()
    {
        var (stream, sut) = CreateSut(
            (Text, false, 15 * MiB), (Continuation, false, 15 * MiB), (Continuation, false, 15 * MiB),
            (Continuation, false, 15 * MiB), (Continuation, true, 15 * MiB));

        var refusal = await Assert.ThrowsAsync<InboundTooLargeException>(() => ReceiveAllAsync(sut));

        Assert.Equal("message", refusal.What);
        Assert.True(stream.PayloadServed is > 64 * MiB and <= 64 * MiB + SizeLimitedWebSocket.ReadSize, $"served {stream.PayloadServed}");
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

    private static (ScriptedFrameStream Stream, SizeLimitedWebSocket Sut) CreateSut(params (byte Opcode, bool Fin, long Length)[] frames)
    {
        var stream = new ScriptedFrameStream(frames);
        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = TimeSpan.Zero });
        return (stream, new SizeLimitedWebSocket(socket, InboundLimits.MaxFrameBytes, InboundLimits.MaxMessageBytes));
    }

    // As Websocket.Client reads (4 KiB at a time), but keeping only sizes; stops at EOF.
    private static async Task<List<long>> ReceiveAllAsync(WebSocket socket)
    {
        var sizes = new List<long>();
        var buffer = new byte[4096];
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
