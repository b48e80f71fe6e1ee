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
    public async Task Submit_ManyThreadsAtOnce_DistinctIdsAndNoLostRequests()
    {
        using var sut = CreateSut();
        var ids = new ConcurrentBag<string>();

        await Parallel.ForAsync(0, 800, new ParallelOptions { MaxDegreeOfParallelism = 16 }, (_, ct) =>
        {
            ids.Add(sut.Submit(Request("llama"), ct).RequestId);
            return ValueTask.CompletedTask;
        });
        var sink = new ThreadSafeFrameSink();
        sut.RegisterWorker("openai", new Register("big", ["llama"], 1000, null, 0), sink);

        var expected = Enumerable.Range(1, 800).Select(i => "request-" + i).ToHashSet();
        Assert.Equal(expected, ids.ToHashSet());
        Assert.Equal(expected, sink.Frames.OfType<WorkerRequest>().Select(r => r.RequestId).ToHashSet());
        Assert.Equal(800, sink.Frames.OfType<WorkerRequest>().Count());
        Assert.Equal(0, sut.GetSnapshot().TotalQueueDepth);
    }

    [Fact]
    public async Task Submit_StreamingRoundTrip_HandlerReadsChunksThenCompletion()
    {
        using var sut = CreateSut();
        var registration = sut.RegisterWorker("openai", new Register("a", ["llama"], 1, null, 0), new ThreadSafeFrameSink());
        var outcome = sut.Submit(Request("llama", streaming: true));
        var completion = new ResponseComplete(outcome.RequestId, 200, NoHeaders, "");

        Assert.Equal(FrameVerdict.Accepted, sut.OnChunk(registration.WorkerId, new ResponseChunk(outcome.RequestId, "data: a\n\n")));
        Assert.Equal(FrameVerdict.Accepted, sut.OnComplete(registration.WorkerId, completion));
        var events = new List<RequestEvent>();
        await foreach (var item in outcome.Handle!.Events.ReadAllAsync()) events.Add(item);

        Assert.Equal([new RequestEvent.Chunk("data: a\n\n"), new RequestEvent.Completed(completion)], events);
    }

    [Fact]
    public async Task QueueTimeout_TimerFiresOnAnotherThread_RunsUnderTheLock()
    {
        var time = new FakeTimeProvider();
        using var sut = CreateSut(time);
        var outcome = sut.Submit(Request("nobody"));

        time.Advance(TimeSpan.FromSeconds(30));
        var terminal = await outcome.Handle!.Events.ReadAsync();

        Assert.Equal(new RequestEvent.Failed(DispatchFailure.Of(DispatchFailureKind.QueueTimeout)), terminal);
        Assert.Equal(0, sut.GetSnapshot().TotalQueueDepth);
    }

    [Fact]
    public async Task BeginDrain_WorkerFinishes_DrainedCompletes()
    {
        using var sut = CreateSut();
        var sink = new ThreadSafeFrameSink();
        var registration = sut.RegisterWorker("openai", new Register("a", ["llama"], 1, null, 0), sink);
        var outcome = sut.Submit(Request("llama"));

        sut.BeginDrain(TimeSpan.FromSeconds(5));
        Assert.False(sut.Drained.IsCompleted);
        sut.OnComplete(registration.WorkerId, new ResponseComplete(outcome.RequestId, 200, NoHeaders, "ok"));
        await sut.Drained.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([((ushort)1000, "graceful shutdown complete")], sink.Closes.ToList());
    }

    [Fact]
    public async Task TimerFiringInsideAnOperation_IsAppliedRightAfterIt_NotLost()
    {
        // This clock fires every timer the moment it is created, i.e. inside the operation that armed it.
        using var sut = new Dispatcher(new DispatchOptions { MaxQueueLength = null }, new EagerTimeProvider());
        var sink = new ThreadSafeFrameSink();
        sut.RegisterWorker("openai", new Register("a", ["llama"], 1, null, 0), sink);
        var outcome = sut.Submit(Request("llama"));

        sut.BeginDrain(TimeSpan.FromSeconds(5));

        Assert.Equal(new RequestEvent.Failed(DispatchFailure.Of(DispatchFailureKind.DrainTimedOut)), await outcome.Handle!.Events.ReadAsync());
        Assert.Equal([((ushort)1000, "graceful shutdown timed out")], sink.Closes.ToList());
        await sut.Drained.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Disposed_EveryLaterCallFails_AndDisposingTwiceIsHarmless()
    {
        var sut = CreateSut();
        sut.Dispose();
        sut.Dispose();

        Assert.Throws<ObjectDisposedException>(() => sut.Submit(Request("llama")));
        Assert.Throws<ObjectDisposedException>(() => sut.GetSnapshot());
    }

    [Fact]
    public async Task CancelledToken_CallIsNotApplied()
    {
        using var sut = CreateSut();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.ThrowsAny<OperationCanceledException>(() => sut.Submit(Request("llama"), cancelled.Token));

        Assert.Equal(0, sut.GetSnapshot().TotalQueueDepth);
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

    private sealed class ThreadSafeFrameSink : IWorkerFrameSink
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
