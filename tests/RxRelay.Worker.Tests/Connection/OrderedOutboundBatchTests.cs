using System.Net.WebSockets;
using System.Text;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Connection;

namespace RxRelay.Worker.Tests.Connection;

/// <summary>Frames that queued up while a write was in flight go out together, in order, in bounded batches.</summary>
public sealed class OrderedOutboundBatchTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Frames_QueuedDuringAWrite_GoOutAsOneBatchInOrder()
    {
        var link = new GatedLink(coalesces: false);
        using var outbound = new OrderedOutbound();
        using var writes = outbound.Writes(link).Subscribe(_ => { });

        outbound.Post(new Pong(1, null));
        await link.FirstWriteStarted.WaitAsync(Patience);
        var queued = new[] { outbound.SendAsync(new Pong(2, null), CancellationToken.None).AsTask(), outbound.SendAsync(new Pong(3, null), CancellationToken.None).AsTask() };
        Assert.All(queued, write => Assert.False(write.IsCompleted));
        link.Release();
        foreach (var write in queued)
            await write.WaitAsync(Patience);

        Assert.Equal(
            [
                ["""{"type":"pong","current_load":1}"""],
                ["""{"type":"pong","current_load":2}""", """{"type":"pong","current_load":3}"""],
            ],
            link.Writes);
    }

    [Fact]
    public async Task Batch_StopsBeforeAFrameThatWouldPassTheSizeBound_AndABigFrameGoesAlone()
    {
        var link = new GatedLink(coalesces: false);
        using var outbound = new OrderedOutbound();
        using var writes = outbound.Writes(link).Subscribe(_ => { });
        var big = new ResponseComplete("request-big", 200, new Dictionary<string, string>(), new string('x', 70 * 1024));

        outbound.Post(new Pong(1, null));
        await link.FirstWriteStarted.WaitAsync(Patience);
        outbound.Post(new Pong(2, null));
        outbound.Post(big);
        var last = outbound.SendAsync(new Pong(3, null), CancellationToken.None).AsTask();
        link.Release();
        await last.WaitAsync(Patience);

        Assert.Equal(4, link.Writes.Count);
        Assert.Equal(["""{"type":"pong","current_load":2}"""], link.Writes[1]);
        Assert.Single(link.Writes[2]);
        Assert.StartsWith("""{"type":"response_complete","request_id":"request-big","status_code":200""", link.Writes[2][0], StringComparison.Ordinal);
        Assert.Equal(["""{"type":"pong","current_load":3}"""], link.Writes[3]);
    }

    [Fact]
    public async Task FailedBatch_FailsEveryFrameInIt_AndEndsTheWriter()
    {
        var failure = new WebSocketException("gone (OrderedOutboundBatchTests)");
        var link = new GatedLink(coalesces: false) { FailAfterFirst = failure };
        using var outbound = new OrderedOutbound();
        var ended = new TaskCompletionSource<Exception>();
        using var writes = outbound.Writes(link).Subscribe(_ => { }, error => ended.TrySetResult(error));

        outbound.Post(new Pong(1, null));
        await link.FirstWriteStarted.WaitAsync(Patience);
        var second = outbound.SendAsync(new Pong(2, null), CancellationToken.None).AsTask();
        var third = outbound.SendAsync(new Pong(3, null), CancellationToken.None).AsTask();
        link.Release();

        Assert.Same(failure, await ended.Task.WaitAsync(Patience));
        Assert.Same(failure, await Assert.ThrowsAsync<WebSocketException>(() => second.WaitAsync(Patience)));
        Assert.Same(failure, await Assert.ThrowsAsync<WebSocketException>(() => third.WaitAsync(Patience)));
    }

    [Fact]
    public async Task CoalescingLink_GathersOnlyWhenAskedTo()
    {
        var link = new GatedLink(coalesces: true);
        using var outbound = new OrderedOutbound();
        var gatherQuestions = 0;
        outbound.ShouldGather = () =>
        {
            Interlocked.Increment(ref gatherQuestions);
            return false;
        };
        using var writes = outbound.Writes(link).Subscribe(_ => { });
        link.Release();

        await outbound.SendAsync(new Pong(1, null), CancellationToken.None).AsTask().WaitAsync(Patience);

        Assert.Equal(1, gatherQuestions);
        Assert.Equal([["""{"type":"pong","current_load":1}"""]], link.Writes);
    }

    /// <summary>Records each write (one frame, or a batch); the first write waits until <see cref="Release"/>.</summary>
    private sealed class GatedLink(bool coalesces) : IProxyLink
    {
        private readonly TaskCompletionSource _firstWriteStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<List<string>> Writes { get; } = [];

        public Task FirstWriteStarted => _firstWriteStarted.Task;

        public Exception? FailAfterFirst { get; init; }

        public bool CoalescesWrites => coalesces;

        public void Release() => _gate.TrySetResult();

        public IObservable<LinkEvent> Open() => throw new NotSupportedException();

        public ValueTask SendAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken)
            => RecordAsync([utf8Json]);

        public ValueTask SendManyAsync(IReadOnlyList<ReadOnlyMemory<byte>> frames, CancellationToken cancellationToken)
            => RecordAsync(frames);

        public Task CloseAsync(WebSocketCloseStatus status, string description, CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }

        private async ValueTask RecordAsync(IReadOnlyList<ReadOnlyMemory<byte>> frames)
        {
            var first = Writes.Count == 0;
            lock (Writes)
                Writes.Add([.. frames.Select(frame => Encoding.UTF8.GetString(frame.Span))]);
            if (first)
            {
                _firstWriteStarted.TrySetResult();
                await _gate.Task;
            }
            else if (FailAfterFirst is not null)
            {
                throw FailAfterFirst;
            }
        }
    }
}
