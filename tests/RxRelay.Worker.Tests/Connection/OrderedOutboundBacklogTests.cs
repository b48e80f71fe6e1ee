using System.Net.WebSockets;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Connection;

namespace RxRelay.Worker.Tests.Connection;

/// <summary>Bounded outbound backlog: replies queued for a proxy that stopped reading are bounded.</summary>
public sealed class OrderedOutboundBacklogTests
{
    private const int Bound = 4;

    [Fact]
    public void Post_ProxyStoppedReading_QueueHoldsExactlyTheBound_ThenTheSessionFails()
    {
        using var sut = new OrderedOutbound(Bound);
        var link = new StalledLink();
        Exception? sessionError = null;
        using var writes = sut.Writes(link).Subscribe(_ => { }, error => sessionError = error);

        sut.Post(new Pong(0, 1)); // taken by the writer, which then blocks on the stalled socket
        for (var i = 0; i < Bound; i++)
            sut.Post(new Pong(0, 2));
        var queuedAtTheBound = sut.QueuedFrames;
        var errorAtTheBound = sessionError;
        sut.Post(new Pong(0, 3));

        Assert.Equal(1, link.Writes);
        Assert.Equal(Bound, queuedAtTheBound);
        Assert.Null(errorAtTheBound);
        Assert.Equal(Bound, sut.QueuedFrames);
        Assert.Equal(Bound, Assert.IsType<OutboundBacklogException>(sessionError).Limit);
    }

    [Fact]
    public async Task SendAsync_OverTheBound_FailsWithTheBacklogError()
    {
        using var sut = new OrderedOutbound(Bound);
        using var writes = sut.Writes(new StalledLink()).Subscribe(_ => { }, _ => { });
        for (var i = 0; i <= Bound; i++)
            sut.Post(new Pong(0, null));

        await Assert.ThrowsAsync<OutboundBacklogException>(() => sut.SendAsync(new Pong(0, null), CancellationToken.None).AsTask());
    }

    [Fact]
    public void Post_WriterKeepsUp_NeverFails()
    {
        using var sut = new OrderedOutbound(Bound);
        var link = new StalledLink { Stalls = false };
        Exception? sessionError = null;
        using var writes = sut.Writes(link).Subscribe(_ => { }, error => sessionError = error);

        for (var i = 0; i < 10 * Bound; i++)
            sut.Post(new Pong(0, null));

        Assert.Null(sessionError);
        Assert.Equal(10 * Bound, link.Writes);
        Assert.Equal(0, sut.QueuedFrames);
    }

    /// <summary>A socket whose writes never complete (the proxy's receive window is full), or complete at once.</summary>
    private sealed class StalledLink : IProxyLink
    {
        private readonly TaskCompletionSource _never = new();

        public bool Stalls { get; init; } = true;

        public int Writes { get; private set; }

        public IObservable<LinkEvent> Open() => throw new NotSupportedException();

        public ValueTask SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
        {
            Writes++;
            return Stalls ? new ValueTask(_never.Task) : ValueTask.CompletedTask;
        }

        public Task CloseAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }
}
