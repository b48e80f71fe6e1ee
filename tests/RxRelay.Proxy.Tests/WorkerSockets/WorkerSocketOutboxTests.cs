using System.Net.WebSockets;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Tests.WorkerSockets;

public sealed class WorkerSocketOutboxTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly WebSocketPair _sockets = new();

    public void Dispose() => _sockets.Dispose();

    private WorkerSocketOutbox CreateSut(int capacity) => new(_sockets.Server, _time, capacity, TimeSpan.FromSeconds(10));

    // ~200 KB: more than the in-memory pipe buffers, so a worker that does not read blocks the writer.
    private static WorkerRequest BigRequest(int n) =>
        new($"request-{n}", "m", "/v1/chat/completions", false, new string('x', 200_000), new Dictionary<string, string>());

    private async Task<(WebSocketMessageType Type, string Text)> ReceiveAsync()
    {
        var buffer = new byte[1024];
        var result = await _sockets.Client.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Guard);
        return (result.MessageType, result.MessageType == WebSocketMessageType.Close ? $"{(int)_sockets.Client.CloseStatus!} {_sockets.Client.CloseStatusDescription}" : Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    [Fact]
    public void TrySend_WorkerNotReading_RefusesOnceTheQueueIsFull()
    {
        using var sut = CreateSut(capacity: 2);
        _ = sut.RunAsync();

        var accepted = Enumerable.Range(1, 10).TakeWhile(n => sut.TrySend(BigRequest(n))).Count();

        Assert.InRange(accepted, 2, 3); // the writer holds at most one frame, the queue two
    }

    [Fact]
    public void TrySend_WorkerNotReading_HoldsARequestAndACancelPerRegisteredSlotBeyondTheBase()
    {
        using var sut = CreateSut(WorkerSocketOutbox.CapacityFor(2, maxConcurrent: 3));
        _ = sut.RunAsync();

        var accepted = Enumerable.Range(1, 20).TakeWhile(n => sut.TrySend(BigRequest(n))).Count();

        Assert.InRange(accepted, 8, 9); // 2 + 2 x 3 queued, and at most one more in the writer
    }

    [Theory]
    [InlineData(1024, 0u, 1024)]
    [InlineData(1024, 2500u, 6024)]
    [InlineData(1024, uint.MaxValue, int.MaxValue)]
    public void CapacityFor_BasePlusTwoPerSlot(int baseCapacity, uint maxConcurrent, int expected)
        => Assert.Equal(expected, WorkerSocketOutbox.CapacityFor(baseCapacity, maxConcurrent));

    [Fact]
    public async Task Close_WithQueuedFrames_SendsThemThenTheCloseFrame()
    {
        using var sut = CreateSut(capacity: 8);
        var writer = sut.RunAsync();
        sut.TrySend(new Ping());
        sut.TrySend(new Ping());

        sut.Close(1000, "graceful shutdown complete");

        Assert.Equal((WebSocketMessageType.Text, """{"type":"ping"}"""), await ReceiveAsync());
        Assert.Equal((WebSocketMessageType.Text, """{"type":"ping"}"""), await ReceiveAsync());
        Assert.Equal((WebSocketMessageType.Close, "1000 graceful shutdown complete"), await ReceiveAsync());
        await writer.WaitAsync(Guard);
        Assert.False(sut.TrySend(new Ping()));
    }

    [Fact]
    public async Task Close_WorkerNotReading_SocketAbortedAfterGrace()
    {
        using var sut = CreateSut(capacity: 8);
        var writer = sut.RunAsync();
        sut.TrySend(BigRequest(1));
        sut.TrySend(BigRequest(2));

        sut.Close(1011, "worker outbound queue full");
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.False(writer.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));

        await writer.WaitAsync(Guard);
        Assert.Equal(WebSocketState.Aborted, _sockets.Server.State);
    }
}
