using System.Net.WebSockets;
using System.Threading.Channels;
using RxRelay.Protocol;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.WorkerSockets;

/// <summary>
/// The one writer of a worker socket: a bounded queue of outbound frames drained by
/// <see cref="RunAsync"/>, in order. Implements <see cref="IWorkerFrameSink"/> for the dispatch core, whose
/// calls must never block: a full queue means the worker stopped reading, and <see cref="TrySend"/>
/// says so instead of buffering without bound (upstream's queue is unbounded, docs/differences-from-upstream.md#proxy-bounded-buffers).
/// </summary>
internal sealed class WorkerSocketOutbox : IWorkerFrameSink, IDisposable
{
    private readonly WebSocket _socket;
    private readonly TimeProvider _time;
    private readonly TimeSpan _closeGrace;
    private readonly Channel<ProxyMessage> _frames;
    private readonly TaskCompletionSource _closeSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (ushort Code, string Reason)? _closeRequest;
    private ITimer? _abortTimer;
    private int _closing;

    /// <summary>Creates the outbox over <paramref name="socket"/>.</summary>
    /// <param name="capacity">Frames that may wait for the socket.</param>
    /// <param name="closeGrace">How long queued frames and the close frame may take once a close was asked for; then the socket is aborted.</param>
    public WorkerSocketOutbox(WebSocket socket, TimeProvider time, int capacity, TimeSpan closeGrace)
    {
        (_socket, _time, _closeGrace) = (socket, time, closeGrace);
        _frames = Channel.CreateBounded<ProxyMessage>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of dropping anything
        });
    }

    /// <summary>
    /// The queue bound for a worker that registered <paramref name="maxConcurrent"/> slots: <paramref name="baseCapacity"/>
    /// for pings and other control frames, plus two frames per slot (a request and its cancel), since a worker with
    /// free slots is sent one request per slot at once, however fast it reads. A fixed bound under that took a
    /// healthy worker that was merely slower than a burst of requests (10,000 streams opened in two seconds on
    /// four 2,500-slot workers) for one that stopped reading, and dropped it with everything it ran.
    /// </summary>
    public static int CapacityFor(int baseCapacity, uint maxConcurrent) =>
        (int)Math.Min(int.MaxValue, baseCapacity + (2L * maxConcurrent));

    /// <summary>Called after each frame reached the socket (feeds the heartbeat's outbound timer).</summary>
    public Action? FrameSent { get; set; }

    /// <summary>Completes when the writer stopped: close frame sent, socket failed, or nothing more to send.</summary>
    public Task Completion => _closeSent.Task;

    /// <summary>True once a close was requested (by the core or the socket layer).</summary>
    public bool IsClosing => Volatile.Read(ref _closing) != 0;

    /// <inheritdoc />
    public bool TrySend(ProxyMessage message) => !IsClosing && _frames.Writer.TryWrite(message);

    /// <inheritdoc />
    public void Close(ushort code, string reason)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _closeRequest = (code, reason);
        // A worker that stopped reading would hold the writer forever: bound the goodbye.
        _abortTimer = _time.CreateTimer(static s => ((WebSocket)s!).Abort(), _socket, _closeGrace, Timeout.InfiniteTimeSpan);
        _frames.Writer.TryComplete();
    }

    /// <summary>Stops the writer after the queued frames without a close frame (the peer is already gone).</summary>
    public void Complete()
    {
        if (Interlocked.Exchange(ref _closing, 1) == 0)
        {
            _frames.Writer.TryComplete();
        }
    }

    /// <summary>Writes queued frames until the queue completes, then the requested close frame, if any.</summary>
    public async Task RunAsync()
    {
        try
        {
            await foreach (var message in _frames.Reader.ReadAllAsync())
            {
                await _socket.SendAsync(ProtocolCodec.Encode(message), WebSocketMessageType.Text, true, CancellationToken.None);
                FrameSent?.Invoke();
            }

            if (_closeRequest is { } close && _socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync((WebSocketCloseStatus)close.Code, close.Reason, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The socket died under us; the reader sees the same failure and reports the worker gone.
            Complete();
        }
        finally
        {
            _closeSent.TrySetResult();
        }
    }

    /// <summary>The close the core or the socket layer asked for; null when none was.</summary>
    public (ushort Code, string Reason)? CloseRequest => _closeRequest;

    /// <summary>True when the writer ended because the core or the socket layer asked for a close frame.</summary>
    public bool CloseWasRequested => _closeRequest is not null;

    /// <inheritdoc />
    public void Dispose() => _abortTimer?.Dispose();
}
