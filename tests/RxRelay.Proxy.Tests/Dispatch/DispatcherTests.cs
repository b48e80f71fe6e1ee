using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>The thread-safe single-writer wrapper.</summary>
public sealed class DispatcherTests
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    private static Dispatcher CreateSut(FakeTimeProvider? time = null) =>
        new(new DispatchOptions { MaxQueueLength = null, QueueTimeout = TimeSpan.FromSeconds(30) }, time ?? new FakeTimeProvider());

    private static SubmitRequest Request(string model, bool streaming = false) =>
        new("openai", model, "/v1/chat/completions", streaming, "{}", NoHeaders);

    [Fact]
    public async Task SubmitAsync_ManyThreadsAtOnce_DistinctIdsAndNoLostRequests()
    {
        await using var sut = CreateSut();
        var ids = new ConcurrentBag<string>();

        await Parallel.ForAsync(0, 800, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) =>
            ids.Add((await sut.SubmitAsync(Request("llama"), ct)).RequestId));
        var outbox = new ThreadSafeOutbox();
        await sut.RegisterWorkerAsync("openai", new Register("big", ["llama"], 1000, null, 0), outbox);

        var expected = Enumerable.Range(1, 800).Select(i => "request-" + i).ToHashSet();
        Assert.Equal(expected, ids.ToHashSet());
        Assert.Equal(expected, outbox.Frames.OfType<WorkerRequest>().Select(r => r.RequestId).ToHashSet());
        Assert.Equal(800, outbox.Frames.OfType<WorkerRequest>().Count());
        Assert.Equal(0, (await sut.GetSnapshotAsync()).TotalQueueDepth);
    }

    [Fact]
    public async Task SubmitAsync_StreamingRoundTrip_HandlerReadsChunksThenCompletion()
    {
        await using var sut = CreateSut();
        var registration = await sut.RegisterWorkerAsync("openai", new Register("a", ["llama"], 1, null, 0), new ThreadSafeOutbox());
        var outcome = await sut.SubmitAsync(Request("llama", streaming: true));
        var completion = new ResponseComplete(outcome.RequestId, 200, NoHeaders, "");

        Assert.Equal(FrameVerdict.Accepted, await sut.OnChunkAsync(registration.WorkerId, new ResponseChunk(outcome.RequestId, "data: a\n\n")));
        Assert.Equal(FrameVerdict.Accepted, await sut.OnCompleteAsync(registration.WorkerId, completion));
        var events = new List<RequestEvent>();
        await foreach (var item in outcome.Handle!.Events.ReadAllAsync()) events.Add(item);

        Assert.Equal([new RequestEvent.Chunk("data: a\n\n"), new RequestEvent.Completed(completion)], events);
    }

    [Fact]
    public async Task QueueTimeout_TimerFiresOnAnotherThread_RunsUnderTheLock()
    {
        var time = new FakeTimeProvider();
        await using var sut = CreateSut(time);
        var outcome = await sut.SubmitAsync(Request("nobody"));

        time.Advance(TimeSpan.FromSeconds(30));
        var terminal = await outcome.Handle!.Events.ReadAsync();

        Assert.Equal(new RequestEvent.Failed(DispatchFailure.Of(DispatchFailureKind.QueueTimeout)), terminal);
        Assert.Equal(0, (await sut.GetSnapshotAsync()).TotalQueueDepth);
    }

    [Fact]
    public async Task BeginDrainAsync_WorkerFinishes_DrainedCompletes()
    {
        await using var sut = CreateSut();
        var outbox = new ThreadSafeOutbox();
        var registration = await sut.RegisterWorkerAsync("openai", new Register("a", ["llama"], 1, null, 0), outbox);
        var outcome = await sut.SubmitAsync(Request("llama"));

        await sut.BeginDrainAsync(TimeSpan.FromSeconds(5));
        Assert.False(sut.Drained.IsCompleted);
        await sut.OnCompleteAsync(registration.WorkerId, new ResponseComplete(outcome.RequestId, 200, NoHeaders, "ok"));
        await sut.Drained.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([((ushort)1000, "graceful shutdown complete")], outbox.Closes.ToList());
    }

    [Fact]
    public async Task TimerFiringInsideAnOperation_IsAppliedRightAfterIt_NotLost()
    {
        // This clock fires every timer the moment it is created, i.e. inside the operation that armed it.
        await using var sut = new Dispatcher(new DispatchOptions { MaxQueueLength = null }, new EagerTimeProvider());
        var outbox = new ThreadSafeOutbox();
        await sut.RegisterWorkerAsync("openai", new Register("a", ["llama"], 1, null, 0), outbox);
        var outcome = await sut.SubmitAsync(Request("llama"));

        await sut.BeginDrainAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(new RequestEvent.Failed(DispatchFailure.Of(DispatchFailureKind.DrainTimedOut)), await outcome.Handle!.Events.ReadAsync());
        Assert.Equal([((ushort)1000, "graceful shutdown timed out")], outbox.Closes.ToList());
        await sut.Drained.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Disposed_EveryLaterCallFails_AndDisposingTwiceIsHarmless()
    {
        var sut = CreateSut();
        await sut.DisposeAsync();
        await sut.DisposeAsync();

        await Assert.ThrowsAsync<System.Threading.Channels.ChannelClosedException>(() => sut.SubmitAsync(Request("llama")));
        await Assert.ThrowsAsync<System.Threading.Channels.ChannelClosedException>(() => sut.GetSnapshotAsync());
    }

    [Fact]
    public async Task CancelledToken_CallIsNotApplied()
    {
        await using var sut = CreateSut();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.SubmitAsync(Request("llama"), cancelled.Token));

        Assert.Equal(0, (await sut.GetSnapshotAsync()).TotalQueueDepth);
    }

    private sealed class EagerTimeProvider : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            callback(state);
            return new InertTimer();
        }

        private sealed class InertTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    private sealed class ThreadSafeOutbox : IWorkerOutbox
    {
        private readonly ConcurrentQueue<ProxyMessage> _frames = new();

        public IReadOnlyList<ProxyMessage> Frames => _frames.ToList();

        public ConcurrentQueue<(ushort, string)> Closes { get; } = new();

        public bool TrySend(ProxyMessage message)
        {
            _frames.Enqueue(message);
            return true;
        }

        public void Close(ushort code, string reason) => Closes.Enqueue((code, reason));
    }
}
