namespace RxRelay.Protocol.Messages;

/// <summary>A message a worker sends to the proxy (docs/protocol.md#frames-worker-to-proxy).</summary>
public abstract record WorkerMessage
{
    private protected WorkerMessage()
    {
    }

    /// <summary>The wire value of the <c>type</c> tag, e.g. <c>register</c>.</summary>
    public abstract string Type { get; }
}

/// <summary><c>register</c>: the first frame a worker sends after the WebSocket handshake.</summary>
public sealed record Register(
    string WorkerName,
    IReadOnlyList<string> Models,
    uint MaxConcurrent,
    string? ProtocolVersion,
    uint? CurrentLoad) : WorkerMessage
{
    /// <inheritdoc />
    public override string Type => "register";
}

/// <summary><c>models_update</c>: replaces the worker's advertised models and reports its load.</summary>
public sealed record ModelsUpdate(IReadOnlyList<string> Models, uint CurrentLoad) : WorkerMessage
{
    /// <inheritdoc />
    public override string Type => "models_update";
}

/// <summary><c>response_chunk</c>: a piece of a streaming response, as text.</summary>
public sealed record ResponseChunk(string RequestId, string Chunk) : WorkerMessage
{
    /// <inheritdoc />
    public override string Type => "response_chunk";
}

/// <summary><c>response_complete</c>: ends a request, with the backend's status, headers and (non-streaming) body.</summary>
/// <param name="RequestId">The request this completes.</param>
/// <param name="StatusCode">The backend's HTTP status.</param>
/// <param name="Headers">Response headers; omitted on the wire when empty.</param>
/// <param name="Body">The body; upstream always sends it (<c>""</c> for streams); omitted when null.</param>
/// <param name="TokenCounts">Optional usage; omitted when null.</param>
public sealed record ResponseComplete(
    string RequestId,
    ushort StatusCode,
    IReadOnlyDictionary<string, string> Headers,
    string? Body,
    TokenCounts? TokenCounts = null) : WorkerMessage
{
    /// <inheritdoc />
    public override string Type => "response_complete";
}

/// <summary><c>pong</c>: answer to <c>ping</c>, with the number of requests in flight.</summary>
public sealed record Pong(uint CurrentLoad, ulong? TimestampUnixMs = null) : WorkerMessage
{
    /// <inheritdoc />
    public override string Type => "pong";
}

/// <summary><c>error</c>: defined by the protocol but treated as a violation by upstream servers; RxRelay never sends it.</summary>
public sealed record ErrorMessage(string? RequestId, string Code, string Message) : WorkerMessage
{
    /// <inheritdoc />
    public override string Type => "error";
}

/// <summary>Optional token usage of a <c>response_complete</c>; each count omitted when null.</summary>
public sealed record TokenCounts(uint? PromptTokens, uint? CompletionTokens, uint? TotalTokens);
