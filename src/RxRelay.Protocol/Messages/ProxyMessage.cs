namespace RxRelay.Protocol.Messages;

/// <summary>A message the proxy (server) sends to a worker (docs/protocol.md#frames-proxy-to-worker).</summary>
public abstract record ProxyMessage
{
    private protected ProxyMessage()
    {
    }

    /// <summary>The wire value of the <c>type</c> tag, e.g. <c>register_ack</c>.</summary>
    public abstract string Type { get; }
}

/// <summary><c>register_ack</c>: the first frame the proxy sends after a successful registration.</summary>
/// <param name="WorkerId">The id the proxy gave the worker, <c>worker-N</c>.</param>
/// <param name="Models">The sanitized model list.</param>
/// <param name="Warnings">Registration warnings; omitted on the wire when empty.</param>
/// <param name="ProtocolVersion">Echo of the worker's version; omitted when absent.</param>
public sealed record RegisterAck(
    string WorkerId,
    IReadOnlyList<string> Models,
    IReadOnlyList<string> Warnings,
    string? ProtocolVersion) : ProxyMessage
{
    /// <inheritdoc />
    public override string Type => "register_ack";
}

/// <summary><c>request</c>: one inference request for the worker to run against its backend.</summary>
/// <param name="RequestId">The proxy's id, <c>request-N</c>.</param>
/// <param name="Model">The requested model.</param>
/// <param name="EndpointPath">e.g. <c>/v1/chat/completions</c>.</param>
/// <param name="IsStreaming">Whether the client asked for <c>stream: true</c>.</param>
/// <param name="Body">The client's raw HTTP body, byte-identical.</param>
/// <param name="Headers">Forwarded client headers (lowercase names); omitted on the wire when empty.</param>
public sealed record WorkerRequest(
    string RequestId,
    string Model,
    string EndpointPath,
    bool IsStreaming,
    string Body,
    IReadOnlyDictionary<string, string> Headers) : ProxyMessage
{
    /// <inheritdoc />
    public override string Type => "request";
}

/// <summary><c>cancel</c>: the client of an in-flight request went away.</summary>
public sealed record CancelRequest(string RequestId, CancelReason Reason) : ProxyMessage
{
    /// <inheritdoc />
    public override string Type => "cancel";
}

/// <summary><c>ping</c>: heartbeat probe; upstream never sets the timestamp, so the wire form is <c>{"type":"ping"}</c>.</summary>
public sealed record Ping(ulong? TimestampUnixMs = null) : ProxyMessage
{
    /// <inheritdoc />
    public override string Type => "ping";
}

/// <summary><c>graceful_shutdown</c>: the proxy is draining this worker; finish in-flight work, take no more.</summary>
public sealed record GracefulShutdown(string? Reason, ulong? DrainTimeoutSecs) : ProxyMessage
{
    /// <inheritdoc />
    public override string Type => "graceful_shutdown";
}

/// <summary><c>models_refresh</c>: ask the worker to re-read its backend's model list.</summary>
public sealed record ModelsRefresh(string? Reason) : ProxyMessage
{
    /// <inheritdoc />
    public override string Type => "models_refresh";
}
