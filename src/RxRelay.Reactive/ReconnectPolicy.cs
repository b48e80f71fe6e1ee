namespace RxRelay.Reactive;

/// <summary>The reconnect loop's memory between sessions.</summary>
/// <param name="Backoff">The base delay the next unannounced end will wait.</param>
/// <param name="Attempt">Reconnects since the backoff was last reset.</param>
public readonly record struct ReconnectState(TimeSpan Backoff, int Attempt);

/// <summary>What to do after a session: wait <see cref="Delay"/>, then connect again with <see cref="Next"/>.</summary>
/// <param name="Outcome">The session that just ended.</param>
/// <param name="Delay">Base delay plus jitter.</param>
/// <param name="Attempt">The reconnect attempt this delay precedes (1 after a reset).</param>
/// <param name="Next">The state for the following session.</param>
public sealed record ReconnectDecision(SessionOutcome Outcome, TimeSpan Delay, int Attempt, ReconnectState Next);

/// <summary>
/// The reconnect rule (docs/protocol.md#worker-reconnect) as a pure function: (state, outcome) → (delay, next state).
/// The backoff doubles from <see cref="ReconnectPolicyOptions.InitialBackoff"/> up to
/// <see cref="ReconnectPolicyOptions.MaxBackoff"/>; a session longer than the idle timeout (whole seconds)
/// resets it first; a graceful end waits <see cref="ReconnectPolicyOptions.GracefulDelay"/> and resets it. Every delay adds jitter from the injected source,
/// never from the clock, so workers restarted together do not reconnect in lockstep.
/// </summary>
public sealed class ReconnectPolicy
{
    private readonly ReconnectPolicyOptions _options;
    private readonly Func<int> _nextJitterMilliseconds;

    /// <summary>Creates the policy.</summary>
    /// <param name="options">The rule's numbers.</param>
    /// <param name="nextJitterMilliseconds">
    /// Random source of jitter in milliseconds, expected in [0, <see cref="ReconnectPolicyOptions.JitterRangeMilliseconds"/>);
    /// other values are folded into that range.
    /// </param>
    public ReconnectPolicy(ReconnectPolicyOptions options, Func<int> nextJitterMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(nextJitterMilliseconds);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.InitialBackoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBackoff, options.InitialBackoff);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.JitterRangeMilliseconds, 0);
        _options = options;
        _nextJitterMilliseconds = nextJitterMilliseconds;
    }

    /// <summary>The state before the first session.</summary>
    public ReconnectState Initial => new(_options.InitialBackoff, 0);

    /// <summary>Chooses the delay after <paramref name="outcome"/> and the state for the next session.</summary>
    public ReconnectDecision Next(ReconnectState state, SessionOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.End == SessionEnd.Graceful || IsLongSession(outcome.Duration))
            state = Initial;

        var attempt = state.Attempt + 1;
        if (outcome.End == SessionEnd.Graceful)
            return new(outcome, _options.GracefulDelay + Jitter(), attempt, new(_options.InitialBackoff, attempt));

        var doubled = TimeSpan.FromTicks(Math.Min(state.Backoff.Ticks * 2, _options.MaxBackoff.Ticks));
        return new(outcome, state.Backoff + Jitter(), attempt, new(doubled, attempt));
    }

    // Upstream compares whole seconds (`as_secs() > threshold`): with 90 s, 90.5 s is not long and 91 s is.
    private bool IsLongSession(TimeSpan duration)
        => duration.Ticks / TimeSpan.TicksPerSecond > _options.LongSessionThreshold.Ticks / TimeSpan.TicksPerSecond;

    private TimeSpan Jitter()
    {
        var range = _options.JitterRangeMilliseconds;
        var folded = ((_nextJitterMilliseconds() % range) + range) % range;
        return TimeSpan.FromMilliseconds(folded);
    }
}
