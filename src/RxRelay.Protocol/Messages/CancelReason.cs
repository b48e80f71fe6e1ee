namespace RxRelay.Protocol.Messages;

/// <summary>
/// Why a request was cancelled (docs/protocol.md#cancel-reasons). Known reasons are strings on the wire;
/// <see cref="Other"/> reasons are the object <c>{"other":"text"}</c>.
/// </summary>
/// <param name="Value">The wire string of a known reason, or the free text of an <c>other</c> reason.</param>
/// <param name="IsOther">True for the catch-all object form.</param>
public readonly record struct CancelReason(string Value, bool IsOther)
{
    /// <summary><c>client_disconnect</c>.</summary>
    public static CancelReason ClientDisconnect { get; } = new("client_disconnect", false);

    /// <summary><c>timeout</c>.</summary>
    public static CancelReason Timeout { get; } = new("timeout", false);

    /// <summary><c>graceful_shutdown</c>.</summary>
    public static CancelReason GracefulShutdown { get; } = new("graceful_shutdown", false);

    /// <summary><c>worker_disconnect</c>.</summary>
    public static CancelReason WorkerDisconnect { get; } = new("worker_disconnect", false);

    /// <summary><c>requeue_exhausted</c>.</summary>
    public static CancelReason RequeueExhausted { get; } = new("requeue_exhausted", false);

    /// <summary><c>server_shutdown</c>.</summary>
    public static CancelReason ServerShutdown { get; } = new("server_shutdown", false);

    /// <summary>The catch-all form, <c>{"other":"text"}</c>.</summary>
    public static CancelReason Other(string text) => new(text, true);
}
