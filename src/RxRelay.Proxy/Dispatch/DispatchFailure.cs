namespace RxRelay.Proxy.Dispatch;

/// <summary>Why the core gave up on a request (or refused it).</summary>
internal enum DispatchFailureKind
{
    /// <summary>Waited in the queue for the whole queue timeout.</summary>
    QueueTimeout,

    /// <summary>Queue full while some non-draining worker (any provider) advertises the model or <c>*</c>.</summary>
    QueueFull,

    /// <summary>Queue full (or queueing disabled) and no worker anywhere advertises the model.</summary>
    NoWorkersAvailable,

    /// <summary>Lost its worker more often than the requeue cap allows.</summary>
    RequeueExhausted,

    /// <summary>Still in flight when the drain deadline passed.</summary>
    DrainTimedOut,

    /// <summary>Cancelled (client went away) before it finished.</summary>
    Canceled,

    /// <summary>A streaming request lost its worker after bytes reached the client; never replayed.</summary>
    WorkerDisconnectedMidStream,

    /// <summary>The client read too slowly and the bounded stream buffer overflowed.</summary>
    ClientTooSlow,

    /// <summary>A run-at-once submission (<c>Dispatcher.TrySubmitNow</c>, a peer's forward) found no local worker with a free slot.</summary>
    NoCapacity,

    /// <summary>A run-at-once request lost its worker before its first event; never requeued (the forwarding replica decides).</summary>
    WorkerLost,
}

/// <summary>
/// A terminal failure of one request, with the exact texts the HTTP layer writes. Before a streaming
/// response has started, answer 503 with <see cref="Message"/> + <c>"\n"</c> (docs/protocol.md#http-failures); after it
/// started, write <see cref="SseErrorEvent"/> and end the body.
/// </summary>
internal sealed record DispatchFailure(DispatchFailureKind Kind)
{
    /// <summary>The 503 body text (without the trailing newline), exactly as upstream.</summary>
    public string Message => Kind switch
    {
        DispatchFailureKind.QueueTimeout => "Request timed out waiting for worker",
        DispatchFailureKind.QueueFull => "Service temporarily at capacity, please retry",
        DispatchFailureKind.NoWorkersAvailable => "No workers available to handle request",
        DispatchFailureKind.RequeueExhausted => "Request could not be processed after multiple attempts",
        DispatchFailureKind.DrainTimedOut => "Service temporarily unavailable while workers shut down",
        DispatchFailureKind.Canceled => "Request was canceled",
        DispatchFailureKind.WorkerDisconnectedMidStream => "worker disconnected mid-stream",
        DispatchFailureKind.ClientTooSlow => "client too slow",
        DispatchFailureKind.NoCapacity => "No worker has a free slot now",
        DispatchFailureKind.WorkerLost => "worker lost before its first event",
        _ => throw new InvalidOperationException($"unknown failure kind {Kind}"),
    };

    /// <summary>The SSE <c>error.type</c> used once a stream has started.</summary>
    public string SseErrorType => Kind switch
    {
        DispatchFailureKind.WorkerDisconnectedMidStream => "worker_disconnected",
        DispatchFailureKind.ClientTooSlow => "stream_error",
        _ => "service_unavailable",
    };

    /// <summary>
    /// The complete SSE error event for a stream that already started, e.g.
    /// <c>event: error\ndata: {"error":{"type":"worker_disconnected","message":"worker disconnected mid-stream"}}\n\n</c>.
    /// Upstream just ends the body; RxRelay tells the client why (docs/differences-from-upstream.md#proxy-sse-error).
    /// </summary>
    public string SseErrorEvent =>
        "event: error\ndata: {\"error\":{\"type\":\"" + SseErrorType + "\",\"message\":\"" + Message + "\"}}\n\n";

    private static readonly DispatchFailure[] Shared =
        Enum.GetValues<DispatchFailureKind>().Select(kind => new DispatchFailure(kind)).ToArray();

    /// <summary>The one shared instance per kind (records also compare by value).</summary>
    public static DispatchFailure Of(DispatchFailureKind kind) => Shared[(int)kind];
}
