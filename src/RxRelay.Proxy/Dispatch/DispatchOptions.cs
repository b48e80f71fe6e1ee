namespace RxRelay.Proxy.Dispatch;

/// <summary>
/// Queue and buffering limits of the dispatch core. Immutable after start; validate with
/// <see cref="Validate"/>.
/// </summary>
internal sealed record DispatchOptions
{
    /// <summary>
    /// Most requests one provider queue may hold before new submissions are rejected.
    /// <see langword="null"/> = unlimited; <c>0</c> = never queue (reject at once when no worker has room).
    /// Upstream's CLI maps <c>--max-queue-len 0</c> to unlimited, so the host must translate the flag
    /// (0 → null) to keep the upstream meaning; the core keeps 0 for "reject immediately", which the
    /// upstream CLI cannot express. Default <see cref="Configuration.ProxyOptions.DefaultMaxQueueLength"/>.
    /// </summary>
    public int? MaxQueueLength { get; init; } = Configuration.ProxyOptions.DefaultMaxQueueLength;

    /// <summary>
    /// How long a request may wait in a queue, measured from its first submission and kept across
    /// requeues. <see langword="null"/> = never expire (upstream <c>--queue-timeout 0</c>). Default
    /// <see cref="Configuration.ProxyOptions.DefaultQueueTimeoutSeconds"/> seconds.
    /// Expiry is exact: a request expires at precisely queue time + timeout.
    /// </summary>
    public TimeSpan? QueueTimeout { get; init; } = TimeSpan.FromSeconds(Configuration.ProxyOptions.DefaultQueueTimeoutSeconds);

    /// <summary>
    /// Most undelivered chunks buffered for one request (the HTTP handler reads them). When a chunk would
    /// exceed it the client is too slow: the request fails with a stream error and the worker gets a
    /// cancel. Range 1..65 536; default <see cref="Configuration.ProxyOptions.DefaultRequestEventCapacity"/>.
    /// </summary>
    public int StreamBufferChunks { get; init; } = Configuration.ProxyOptions.DefaultRequestEventCapacity;

    /// <summary>
    /// Most undelivered characters (UTF-16 code units) buffered for one request, same consequence as
    /// <see cref="StreamBufferChunks"/>. A single chunk larger than this still passes when the buffer is
    /// empty, so one big frame is never refused. Default 8 Mi characters.
    /// </summary>
    public long StreamBufferChars { get; init; } = 8L * 1024 * 1024;

    /// <summary>Default of <see cref="UnservedQueuePercent"/>.</summary>
    public const int DefaultUnservedQueuePercent = 25;

    /// <summary>
    /// The share of <see cref="MaxQueueLength"/> that requests for models no connected worker serves may
    /// occupy, in percent, rounded up (so at least 1 when the queue length is not 0). Requests for served
    /// models do not count them (docs/protocol.md#queue). Range 0..100.
    /// </summary>
    public int UnservedQueuePercent { get; init; } = DefaultUnservedQueuePercent;

    /// <summary>
    /// How long a worker has to send the first event (<c>response_chunk</c> or <c>response_complete</c>) of
    /// a streaming request before it is ejected, when a peer is healthy (docs/protocol.md#outlier-ejection).
    /// <see langword="null"/> = never. Default <see cref="Configuration.ProxyOptions.DefaultWorkerFirstEventTimeoutSeconds"/>.
    /// </summary>
    public TimeSpan? FirstEventTimeout { get; init; } =
        TimeSpan.FromSeconds(Configuration.ProxyOptions.DefaultWorkerFirstEventTimeoutSeconds);

    /// <summary>An ejection lasts this × the worker's ejection count (Envoy's base ejection time). Default 30 s.</summary>
    public TimeSpan BaseEjectionTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest one ejection lasts (Envoy's max ejection time). Default 300 s.</summary>
    public TimeSpan MaxEjectionTime { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How many times a request is requeued after losing its worker (upstream: 3, so 4 attempts).</summary>
    public int MaxRequeues { get; init; } = 3;

    /// <summary>Returns every problem at once; empty when the options are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxQueueLength < 0) errors.Add("MaxQueueLength must be >= 0 or null (unlimited).");
        if (QueueTimeout <= TimeSpan.Zero) errors.Add("QueueTimeout must be > 0 or null (never).");
        if (StreamBufferChunks is < 1 or > 65_536) errors.Add("StreamBufferChunks must be in 1..65536.");
        if (StreamBufferChars < 1) errors.Add("StreamBufferChars must be >= 1.");
        if (MaxRequeues < 0) errors.Add("MaxRequeues must be >= 0.");
        if (UnservedQueuePercent is < 0 or > 100) errors.Add("UnservedQueuePercent must be in 0..100.");
        if (FirstEventTimeout <= TimeSpan.Zero) errors.Add("FirstEventTimeout must be > 0 or null (never).");
        if (BaseEjectionTime <= TimeSpan.Zero) errors.Add("BaseEjectionTime must be > 0.");
        if (MaxEjectionTime < BaseEjectionTime) errors.Add("MaxEjectionTime must be >= BaseEjectionTime.");
        return errors;
    }

    /// <summary>How many unserved requests a queue of <paramref name="maxQueueLength"/> takes (rounded up).</summary>
    public int UnservedQueueLength(int maxQueueLength) =>
        (int)(((long)maxQueueLength * UnservedQueuePercent + 99) / 100);
}
