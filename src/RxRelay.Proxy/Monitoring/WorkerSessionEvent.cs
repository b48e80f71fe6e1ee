namespace RxRelay.Proxy.Monitoring;

/// <summary>The <c>event</c> label of <c>rxrelay_worker_sessions_total</c>: a worker registered, or why its session ended.</summary>
internal enum WorkerSessionEvent
{
    /// <summary>A worker completed registration.</summary>
    Registered,

    /// <summary>The worker closed the socket or the connection dropped.</summary>
    Disconnected,

    /// <summary>No pong within the heartbeat timeout.</summary>
    HeartbeatTimeout,

    /// <summary>Closed 1002 for a protocol violation, before or after registration.</summary>
    ProtocolError,

    /// <summary>The worker secret or API key was refused, or the address was rate limited.</summary>
    AuthFailure,

    /// <summary>Closed 1000 at the end of a shutdown drain.</summary>
    Drain,

    /// <summary>Closed because a frame or message went over the size limits.</summary>
    TooBig,

    /// <summary>Closed 1011 because the worker did not read its frames (outbound queue full).</summary>
    OutboxOverflow,
}

/// <summary>Label texts of <see cref="WorkerSessionEvent"/>.</summary>
internal static class WorkerSessionEvents
{
    private static readonly string[] Labels =
        ["registered", "disconnected", "heartbeat_timeout", "protocol_error", "auth_failure", "drain", "too_big", "outbox_overflow"];

    /// <summary>The label text, e.g. <c>heartbeat_timeout</c>.</summary>
    public static string Label(this WorkerSessionEvent sessionEvent) => Labels[(int)sessionEvent];
}
