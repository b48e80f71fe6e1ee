namespace RxRelay.Reactive;

/// <summary>
/// The numbers of the reconnect rule. Defaults are upstream ModelRelay's (reference section 0);
/// tests and integration runs may shrink them.
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
    /// A session whose whole seconds exceed this value's whole seconds resets the backoff first
    /// (the idle timeout: 90 s, so 91 s resets and 90.5 s does not). Default 90 s.
    /// </summary>
    public TimeSpan LongSessionThreshold { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Jitter is 0 to this many milliseconds minus one. Default 500 (0–499 ms).</summary>
    public int JitterRangeMilliseconds { get; init; } = 500;
}
