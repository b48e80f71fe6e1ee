using System.Reactive;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Threading.Channels;
using RxRelay.Protocol;
using RxRelay.Protocol.Messages;
using RxRelay.Worker.Relay;

namespace RxRelay.Worker.Connection;

/// <summary>
/// The session's one ordered path to the socket. Frames are written one at a time in the order they
/// were queued; <see cref="SendAsync"/> completes when its frame is written, which is the relay's
/// backpressure. Pongs and the register frame use <see cref="Post"/>: same queue, nobody waits.
/// </summary>
internal sealed class OrderedOutbound(int maxQueuedFrames = OrderedOutbound.DefaultMaxQueuedFrames) : IWorkerOutbound, IDisposable
{
    /// <summary>
    /// Frames waiting to be written, at most, beyond what the relay's requests hold (each in-flight request
    /// waits for its frame, so they add at most one each). The rest are replies nobody waits for: pongs and
    /// 503 answers to requests over capacity. A proxy that stopped reading and keeps sending pings or
    /// requests would grow that backlog without end; past this many the proxy is taken as dead and the
    /// session ends (see <see cref="OutboundBacklogException"/>).
    /// </summary>
    public const int MaxPendingReplies = 1024;

    /// <summary>The bound when the session's concurrency is not known (tests).</summary>
    public const int DefaultMaxQueuedFrames = MaxPendingReplies;

    // Synchronous continuation: the session ends on the thread that overflowed the queue, at that instant.
    private readonly TaskCompletionSource _backlogged = new();
    private int _queued;

    // Synchronous continuations: an idle writer starts the socket write on the thread that queued the
    // frame (up to its first real await) instead of a thread-pool hop; this keeps frame order trivially
    // FIFO and makes the writer deterministic under a virtual-time scheduler.
    private readonly Channel<PendingFrame> _queue = Channel.CreateUnbounded<PendingFrame>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });

    /// <summary>Frames written together at most, and their total size at most (a frame bigger than that goes alone).</summary>
    private const int MaxBatchFrames = 64;

    /// <inheritdoc cref="MaxBatchFrames"/>
    private const long MaxBatchBytes = 64 * 1024;

    /// <summary>
    /// Asked before each write on a link that coalesces: true when other frames are likely on their way
    /// (several requests in flight), so the writer lets them gather first. With one request in flight a
    /// frame goes out at once, without the extra hand-off. Never by default.
    /// </summary>
    public Func<bool> ShouldGather { get; set; } = static () => false;

    public ValueTask SendAsync(WorkerMessage message, CancellationToken cancellationToken)
        => new(Enqueue(message).WaitAsync(cancellationToken));

    /// <summary>Queues a frame nobody waits for; a failed write still ends the session through <see cref="Writes"/>.</summary>
    public void Post(WorkerMessage message)
    {
        var written = Enqueue(message);
        if (written.IsFaulted)
            _ = written.Exception; // reported through Writes; observed here so it is never "unobserved"
    }

    /// <summary>
    /// Writes queued frames to <paramref name="link"/> while subscribed; fails on the first failed write,
    /// which ends the session. Unsubscribing stops the writer.
    /// </summary>
    public IObservable<Unit> Writes(IProxyLink link)
        => Observable.Create<Unit>(observer =>
        {
            // Not FromAsync: its failure would arrive through a task continuation, one thread-pool hop
            // later; reporting from the writer itself ends the session at the instant the write failed.
            var ends = Observer.Synchronize(observer);
            var cancellation = new CancellationTokenSource();
            _ = WriteAllAsync(link, ends, cancellation.Token);
            _ = _backlogged.Task.ContinueWith(
                static (backlog, state) => ((IObserver<Unit>)state!).OnError(backlog.Exception!.InnerException!),
                ends,
                cancellation.Token,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return Disposable.Create(cancellation.Cancel);
        });

    /// <summary>Frames still queued when the session ends are cancelled, so no relay call waits forever.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryRead(out var frame))
            frame.Written.TrySetCanceled();
    }

    /// <summary>Frames queued and not yet taken by the writer.</summary>
    public int QueuedFrames => Volatile.Read(ref _queued);

    private Task Enqueue(WorkerMessage message)
    {
        if (Interlocked.Increment(ref _queued) > maxQueuedFrames)
        {
            Interlocked.Decrement(ref _queued);
            var backlog = new OutboundBacklogException(maxQueuedFrames);
            if (_backlogged.TrySetException(backlog))
                _ = _backlogged.Task.Exception; // reported through Writes, if anyone still listens
            return Task.FromException(backlog);
        }

        var frame = new PendingFrame(ProtocolCodec.Encode(message));
        if (_queue.Writer.TryWrite(frame))
            return frame.Written.Task;

        Interlocked.Decrement(ref _queued);
        return Task.FromException(new ObjectDisposedException(nameof(OrderedOutbound), "the session has ended"));
    }

    private async Task WriteAllAsync(IProxyLink link, IObserver<Unit> observer, CancellationToken cancellationToken)
    {
        var batch = new List<PendingFrame>(MaxBatchFrames);
        var payloads = new List<ReadOnlyMemory<byte>>(MaxBatchFrames);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (link.CoalescesWrites && ShouldGather())
                {
                    // The thread that queued this frame is usually a socket event thread with more backend
                    // answers ready in the same wake-up: let it queue them, then write them all at once.
                    await Task.Yield();
                }

                batch.Clear();
                payloads.Clear();
                var bytes = 0L;
                while (batch.Count < MaxBatchFrames && _queue.Reader.TryPeek(out var next)
                       && (batch.Count == 0 || bytes + next.Utf8.Length <= MaxBatchBytes)
                       && _queue.Reader.TryRead(out var frame))
                {
                    Interlocked.Decrement(ref _queued);
                    batch.Add(frame);
                    payloads.Add(frame.Utf8);
                    bytes += frame.Utf8.Length;
                }

                await WriteAsync(link, batch, payloads, cancellationToken).ConfigureAwait(false);
            }

            observer.OnCompleted();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Unsubscribed: the session is over and nobody listens.
        }
        catch (Exception error)
        {
            observer.OnError(error);
        }
    }

    private static async Task WriteAsync(IProxyLink link, List<PendingFrame> batch, List<ReadOnlyMemory<byte>> payloads, CancellationToken cancellationToken)
    {
        try
        {
            if (payloads.Count == 1)
                await link.SendAsync(payloads[0], cancellationToken).ConfigureAwait(false);
            else
                await link.SendManyAsync(payloads, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            foreach (var frame in batch)
            {
                frame.Written.TrySetException(error);
                // The session learns of the failure through Writes. A Post, or a sender that stopped waiting,
                // never looks at this task: reading Exception marks it observed, so the finalizer does not
                // report it as an unobserved task exception. A sender still awaiting it still gets the error.
                _ = frame.Written.Task.Exception;
            }

            throw;
        }

        foreach (var frame in batch)
            frame.Written.TrySetResult();
    }

    private sealed record PendingFrame(byte[] Utf8)
    {
        // Synchronous continuations: the sender resumes on the writer's thread the moment its frame is
        // written (a streaming relay then reads the backend's next chunk and queues it), instead of one
        // thread-pool hand-off per frame. Never re-entrant: a frame queued meanwhile waits in the channel.
        public TaskCompletionSource Written { get; } = new();
    }
}
