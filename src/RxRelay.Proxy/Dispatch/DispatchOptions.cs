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
        return errors;
    }
}
