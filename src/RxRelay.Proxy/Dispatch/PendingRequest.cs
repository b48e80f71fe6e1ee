namespace RxRelay.Proxy.Dispatch;

/// <summary>Mutable state of one accepted request; owned by <see cref="DispatchCore"/>.</summary>
internal sealed class PendingRequest(long sequence, SubmitRequest submit, DateTimeOffset queuedAt, RequestStream stream)
{
    /// <summary>Submission order; breaks ties between equal queue times.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>The request's id here: its handle's, its logs', and the first attempt's on the wire.</summary>
    public string Id { get; } = WireIds.Of(sequence);

    /// <summary>
    /// The id its current (or last) attempt has on the wire: <see cref="Id"/> until it is retried on a worker that
    /// still owes frames of an earlier, cancelled attempt of it, which then runs under a fresh id
    /// (docs/protocol.md#requeue), so that worker's late frames of the old attempt never reach the new one.
    /// </summary>
    public string WireId => RetryWireId ?? Id;

    /// <summary>Set when an attempt runs under a fresh wire id; null while the wire id is <see cref="Id"/>.</summary>
    public string? RetryWireId { get; set; }

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

/// <summary>Request ids on the wire: <c>request-N</c> from the core's one per-process counter, as upstream's.</summary>
internal static class WireIds
{
    public static string Of(long sequence) => "request-" + sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
