namespace RxRelay.Reactive.Tests;

public sealed class ReconnectPolicyTests
{
    [Theory]
    // backoff s, attempt, end, duration ms, jitter ms → delay ms, next backoff s, attempt
    [InlineData(1, 0, SessionEnd.Failed, 0, 0, 1_000, 2, 1)]
    [InlineData(2, 1, SessionEnd.Failed, 0, 0, 2_000, 4, 2)]
    [InlineData(4, 2, SessionEnd.Closed, 500, 0, 4_000, 8, 3)]
    [InlineData(8, 3, SessionEnd.Failed, 0, 0, 8_000, 16, 4)]
    [InlineData(16, 4, SessionEnd.Failed, 0, 0, 16_000, 30, 5)]
    [InlineData(30, 5, SessionEnd.Failed, 0, 0, 30_000, 30, 6)]
    [InlineData(30, 6, SessionEnd.Closed, 90_000, 0, 30_000, 30, 7)]
    [InlineData(30, 6, SessionEnd.Closed, 90_500, 0, 30_000, 30, 7)]
    [InlineData(30, 6, SessionEnd.Closed, 90_999, 0, 30_000, 30, 7)]
    [InlineData(30, 6, SessionEnd.Closed, 91_000, 0, 1_000, 2, 1)]
    [InlineData(16, 4, SessionEnd.Failed, 3_600_000, 0, 1_000, 2, 1)]
    [InlineData(16, 4, SessionEnd.Graceful, 5_000, 0, 2_000, 1, 1)]
    [InlineData(1, 0, SessionEnd.Graceful, 0, 0, 2_000, 1, 1)]
    [InlineData(4, 2, SessionEnd.Failed, 0, 499, 4_499, 8, 3)]
    [InlineData(4, 2, SessionEnd.Graceful, 0, 123, 2_123, 1, 1)]
    [InlineData(1, 0, SessionEnd.Failed, 0, 500, 1_000, 2, 1)]
    [InlineData(1, 0, SessionEnd.Failed, 0, -1, 1_499, 2, 1)]
    public void Next_Table_ChoosesDelayAndNextState(
        int backoffSecs, int attempt, SessionEnd end, int durationMs, int jitterMs,
        int expectedDelayMs, int expectedNextBackoffSecs, int expectedAttempt)
    {
        var policy = CreateSut(jitterMs);
        var state = new ReconnectState(TimeSpan.FromSeconds(backoffSecs), attempt);
        var outcome = new SessionOutcome(end, TimeSpan.FromMilliseconds(durationMs));

        var decision = policy.Next(state, outcome);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedDelayMs), decision.Delay);
        Assert.Equal(new ReconnectState(TimeSpan.FromSeconds(expectedNextBackoffSecs), expectedAttempt), decision.Next);
        Assert.Equal(expectedAttempt, decision.Attempt);
        Assert.Same(outcome, decision.Outcome);
    }

    [Fact]
    public void Next_ConsecutiveShortFailures_GiveOneTwoFourEightSixteenThirtyThirty()
    {
        var policy = CreateSut(0);
        var state = policy.Initial;
        var delays = new List<double>();
        for (var i = 0; i < 8; i++)
        {
            var decision = policy.Next(state, SessionOutcome.Failed(TimeSpan.Zero, new IOException("refused")));
            delays.Add(decision.Delay.TotalSeconds);
            state = decision.Next;
        }

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
    }

    [Fact]
    public void Initial_Always_IsOneSecondAndNoAttempts()
        => Assert.Equal(new ReconnectState(TimeSpan.FromSeconds(1), 0), CreateSut(0).Initial);

    [Fact]
    public void Next_JitterSource_IsAskedOncePerDecision()
    {
        var calls = 0;
        var policy = new ReconnectPolicy(new ReconnectPolicyOptions(), () => ++calls);

        policy.Next(policy.Initial, SessionOutcome.Closed(TimeSpan.Zero));

        Assert.Equal(1, calls);
    }

    [Fact]
    public void Constructor_ZeroInitialBackoff_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(
            () => new ReconnectPolicy(new ReconnectPolicyOptions { InitialBackoff = TimeSpan.Zero }, () => 0));

    private static ReconnectPolicy CreateSut(int jitterMs) => new(new ReconnectPolicyOptions(), () => jitterMs);
}
