using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using static RxRelay.Reactive.Tests.TestTime;

namespace RxRelay.Reactive.Tests;

public sealed class ReconnectObservableExtensionsTests : ReactiveTest
{
    private readonly TestScheduler _scheduler = new();

    [Fact]
    public void RepeatWithPolicy_ShortFailures_ResubscribesAfter1_2_4_8_16_30_30Seconds()
    {
        var sessions = new ScriptedSessions(_scheduler);

        var result = Run(sessions, S(100));

        Assert.Equal(Instants(0, 1, 3, 7, 15, 31, 61, 91), sessions.Subscriptions);
        Assert.Equal(
            [(S(0), 1.0, 1), (S(1), 2, 2), (S(3), 4, 3), (S(7), 8, 4), (S(15), 16, 5), (S(31), 30, 6), (S(61), 30, 7), (S(91), 30, 8)],
            Decisions(result).Select(d => (d.Time, d.Delay, d.Attempt)));
        Assert.All(Decisions(result), d => Assert.Equal(SessionEnd.Failed, d.End));
    }

    [Fact]
    public void RepeatWithPolicy_91SecondSession_ResetsTheNextDelayToOneSecond()
    {
        var sessions = new ScriptedSessions(_scheduler, Fail(), Fail(), Lasting(91, SessionEnd.Closed));

        Run(sessions, S(96));

        Assert.Equal([Subscribe(0, 0), Subscribe(S(1), S(1)), Subscribe(S(3), S(94)), Subscribe(S(95), S(95))], sessions.Subscriptions);
    }

    [Fact]
    public void RepeatWithPolicy_90Point5SecondSession_KeepsGrowingTheBackoff()
    {
        var sessions = new ScriptedSessions(_scheduler, Fail(), Fail(), Lasting(90.5, SessionEnd.Closed));

        var result = Run(sessions, S(98));

        Assert.Equal([Subscribe(0, 0), Subscribe(S(1), S(1)), Subscribe(S(3), S(93.5)), Subscribe(S(97.5), S(97.5))], sessions.Subscriptions);
        Assert.Equal((S(93.5), 4.0, 3), Decisions(result).Select(d => (d.Time, d.Delay, d.Attempt)).ElementAt(2));
    }

    [Fact]
    public void RepeatWithPolicy_GracefulSession_WaitsTwoSecondsThenRestartsAtOneSecond()
    {
        var sessions = new ScriptedSessions(_scheduler, Fail(), Fail(), Fail(), Lasting(10, SessionEnd.Graceful));

        var result = Run(sessions, S(23));

        Assert.Equal(Instants(0, 1, 3).Append(Subscribe(S(7), S(17))).Concat(Instants(19, 20, 22)), sessions.Subscriptions);
        Assert.Equal((S(17), SessionEnd.Graceful, 2.0), Decisions(result).Select(d => (d.Time, d.End, d.Delay)).ElementAt(3));
    }

    [Fact]
    public void RepeatWithPolicy_InjectedJitter_AddsExactlyThoseMilliseconds()
    {
        var jitters = new Queue<int>([0, 499, 250, 1]);
        var sessions = new ScriptedSessions(_scheduler);
        var policy = new ReconnectPolicy(new ReconnectPolicyOptions(), jitters.Dequeue);

        _scheduler.Observe(sessions.Sessions.RepeatWithPolicy(policy, _scheduler), S(15));

        Assert.Equal([S(0), S(1), S(3.499), S(7.749)], sessions.Subscriptions.Select(s => s.Subscribe));
    }

    [Fact]
    public void RepeatWithPolicy_DisposedDuringSession_EndsTheSessionAndDisposesItsResourceAtThatTime()
    {
        long? disposedAt = null;
        var resource = Observable.Using(
            () => Disposable.Create(() => disposedAt = _scheduler.Clock),
            _ => Observable.Never<SessionOutcome>());
        var sessions = new ScriptedSessions(_scheduler, resource);

        var result = Run(sessions, S(50));
        _scheduler.AdvanceTo(S(500));

        Assert.Equal(S(50), disposedAt);
        Assert.Equal([Subscribe(0, S(50))], sessions.Subscriptions);
        Assert.Empty(result.Messages);
    }

    [Fact]
    public void RepeatWithPolicy_DisposedDuringDelay_NeverResubscribes()
    {
        var sessions = new ScriptedSessions(_scheduler);

        Run(sessions, S(0.5));
        _scheduler.AdvanceTo(S(500));

        Assert.Equal([Subscribe(0, 0)], sessions.Subscriptions);
    }

    [Fact]
    public void RepeatWithPolicy_StoppedOutcome_CompletesWithoutReconnecting()
    {
        var sessions = new ScriptedSessions(_scheduler, Lasting(5, SessionEnd.Stopped));

        var result = Run(sessions, S(100));

        Assert.Equal([OnCompleted<ReconnectDecision>(S(5))], result.Messages);
        Assert.Equal([Subscribe(0, S(5))], sessions.Subscriptions);
    }

    [Fact]
    public void RepeatWithPolicy_SessionWithoutOutcome_CountsAsClosedAndStillWaits()
    {
        var sessions = new ScriptedSessions(_scheduler) { Fallback = Observable.Empty<SessionOutcome>() };

        var result = Run(sessions, S(4));

        Assert.Equal(Instants(0, 1, 3), sessions.Subscriptions);
        Assert.All(Decisions(result), d => Assert.Equal(SessionEnd.Closed, d.End));
    }

    private ITestableObserver<ReconnectDecision> Run(ScriptedSessions sessions, long disposeAt)
        => _scheduler.Observe(sessions.Sessions.RepeatWithPolicy(new ReconnectPolicy(new ReconnectPolicyOptions(), () => 0), _scheduler), disposeAt);

    private static IObservable<SessionOutcome> Fail() => ScriptedSessions.Fail();

    private IObservable<SessionOutcome> Lasting(double seconds, SessionEnd end) => new ScriptedSessions(_scheduler).Lasting(seconds, end);

    private static IEnumerable<Subscription> Instants(params double[] seconds) => seconds.Select(s => Subscribe(S(s), S(s)));

    private static IEnumerable<(long Time, double Delay, int Attempt, SessionEnd End)> Decisions(ITestableObserver<ReconnectDecision> result)
        => result.Messages.Select(m => (m.Time, m.Value.Value.Delay.TotalSeconds, m.Value.Value.Attempt, m.Value.Value.Outcome.End));
}
