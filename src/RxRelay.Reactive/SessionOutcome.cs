namespace RxRelay.Reactive;

/// <summary>How a connection session ended, as far as the reconnect rule cares (docs/protocol.md#worker-reconnect).</summary>
public enum SessionEnd
{
    /// <summary>The peer asked us to move on (<c>graceful_shutdown</c>) and the session then ended cleanly.</summary>
    Graceful,

    /// <summary>A clean end nobody announced: a close frame (including an auth rejection), EOF or the idle timeout.</summary>
    Closed,

    /// <summary>An error: connect or handshake failure, a frame we cannot parse, a failed write.</summary>
    Failed,

    /// <summary>The local side asked to stop; the reconnect loop ends instead of waiting.</summary>
    Stopped,
}

/// <summary>What one session produced: how it ended and how long it was connected.</summary>
/// <param name="End">How it ended.</param>
/// <param name="Duration">Time from connect to end; zero when the connect itself failed.</param>
/// <param name="Error">The error of a <see cref="SessionEnd.Failed"/> session; for a <see cref="SessionEnd.Closed"/> one, the <see cref="IdleTimeoutException"/> that ended it, if any.</param>
public sealed record SessionOutcome(SessionEnd End, TimeSpan Duration, Exception? Error = null)
{
    /// <summary>A session that ended cleanly after the peer announced a graceful shutdown.</summary>
    public static SessionOutcome Graceful(TimeSpan duration) => new(SessionEnd.Graceful, duration);

    /// <summary>A session that ended cleanly without warning.</summary>
    public static SessionOutcome Closed(TimeSpan duration) => new(SessionEnd.Closed, duration);

    /// <summary>A session that ended with <paramref name="error"/>; a failed connect has duration zero.</summary>
    public static SessionOutcome Failed(TimeSpan duration, Exception error) => new(SessionEnd.Failed, duration, error);

    /// <summary>A session the local side stopped.</summary>
    public static SessionOutcome Stopped(TimeSpan duration) => new(SessionEnd.Stopped, duration);
}
