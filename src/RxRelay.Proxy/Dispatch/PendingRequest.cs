namespace RxRelay.Proxy.Dispatch;

/// <summary>Mutable state of one accepted request; owned by <see cref="DispatchCore"/>.</summary>
internal sealed class PendingRequest(long sequence, SubmitRequest submit, DateTimeOffset queuedAt, RequestStream stream)
{
    /// <summary>Submission order; breaks ties between equal queue times.</summary>
    public long Sequence { get; } = sequence;

    public string Id { get; } = "request-" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public SubmitRequest Submit { get; } = submit;

    /// <summary>First submission time; kept across requeues, so the queue timeout is a true deadline.</summary>
    public DateTimeOffset QueuedAt { get; } = queuedAt;

    public RequestStream Stream { get; } = stream;

    public int RequeueCount { get; set; }

    /// <summary>The worker it is in flight on; null while queued.</summary>
    public WorkerState? Worker { get; set; }

    public bool IsQueued { get; set; }

    /// <summary>
    /// Submitted to run at once (<see cref="DispatchCore.TrySubmitNow"/>): never queued, never requeued; losing
    /// its worker fails it with <see cref="DispatchFailureKind.WorkerLost"/> (or mid-stream, as any stream).
    /// </summary>
    public bool RunsNow { get; init; }

    /// <summary>
    /// The peer replica it was forwarded to (<see cref="DispatchCore.TakeForPeer"/>); null while queued or on a
    /// local worker. A forwarded request is off the queue and off every local worker, yet still live here.
    /// </summary>
    public string? Peer { get; set; }

    /// <summary>Cancelled when the request ends here while on a peer (client gone, too slow): aborts the peer call.</summary>
    public CancellationTokenSource? PeerCall { get; set; }
}
