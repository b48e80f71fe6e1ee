namespace RxRelay.Reactive;

/// <summary>
/// The numbers of the reconnect rule (docs/protocol.md#worker-reconnect). Defaults are upstream
/// ModelRelay's; tests and integration runs may shrink them.
/// </summary>
public sealed record ReconnectPolicyOptions
{
    /// <summary>First backoff delay, and the value a reset returns to. Default 1 s; must be positive.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The backoff doubles up to this cap. Default 30 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay after a <see cref="SessionEnd.Graceful"/> session. Default 2 s.</summary>
    public TimeSpan GracefulDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A session whose whole seconds exceed this value's whole seconds resets the backoff first: the
    /// idle timeout, so with the default 91 s resets and 90.5 s does not. Default
    /// <see cref="IdleTimeoutObservableExtensions.DefaultIdleTimeout"/>.
    /// </summary>
    public TimeSpan LongSessionThreshold { get; init; } = IdleTimeoutObservableExtensions.DefaultIdleTimeout;

    /// <summary>The default of <see cref="JitterRangeMilliseconds"/>: 500, so jitter is 0–499 ms.</summary>
    public const int DefaultJitterRangeMilliseconds = 500;

    /// <summary>Jitter is 0 to this many milliseconds minus one. Default <see cref="DefaultJitterRangeMilliseconds"/>.</summary>
    public int JitterRangeMilliseconds { get; init; } = DefaultJitterRangeMilliseconds;
}
