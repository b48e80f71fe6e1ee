using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace RxRelay.Reactive;

/// <summary>The reconnect loop as an Rx operator: run a session, ask the policy, wait, run it again.</summary>
public static class ReconnectObservableExtensions
{
    /// <summary>
    /// Subscribes <paramref name="session"/> (which should produce one <see cref="SessionOutcome"/>),
    /// emits the <see cref="ReconnectDecision"/> for its outcome, waits the decision's delay on
    /// <paramref name="scheduler"/> and subscribes again — forever. A session that errors counts as
    /// <see cref="SessionEnd.Failed"/> with duration zero (a failed connect); one that ends without an
    /// outcome counts as <see cref="SessionEnd.Closed"/> with duration zero. The loop completes only
    /// after a <see cref="SessionEnd.Stopped"/> outcome, which it emits with a zero delay. Every delay is
    /// at least the policy's initial backoff, so the loop never spins.
    /// </summary>
    /// <param name="session">Cold: each subscription is one connection attempt.</param>
    /// <param name="policy">Chooses every delay.</param>
    /// <param name="scheduler">Clock of the delays.</param>
    public static IObservable<ReconnectDecision> RepeatWithPolicy(
        this IObservable<SessionOutcome> session, ReconnectPolicy policy, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(scheduler);
        return Observable.Defer(() =>
        {
            // One state per subscription of the loop; Repeat re-subscribes only the body below.
            var state = policy.Initial;
            return OneSession(session)
                .Select(outcome => Decide(policy, ref state, outcome))
                .SelectMany(decision => EmitThenWait(decision, scheduler))
                .Repeat()
                .TakeWhile(decision => decision.Outcome.End != SessionEnd.Stopped);
        });
    }

    private static IObservable<SessionOutcome> OneSession(IObservable<SessionOutcome> session)
        => session
            .Take(1)
            .Catch((Exception error) => Observable.Return(SessionOutcome.Failed(TimeSpan.Zero, error)))
            .DefaultIfEmpty(SessionOutcome.Closed(TimeSpan.Zero));

    private static ReconnectDecision Decide(ReconnectPolicy policy, ref ReconnectState state, SessionOutcome outcome)
    {
        if (outcome.End == SessionEnd.Stopped)
            return new ReconnectDecision(outcome, TimeSpan.Zero, state.Attempt, state);

        var decision = policy.Next(state, outcome);
        state = decision.Next;
        return decision;
    }

    // The decision goes out first (so it is logged before the wait), then the body completes after the delay.
    private static IObservable<ReconnectDecision> EmitThenWait(ReconnectDecision decision, IScheduler scheduler)
        => decision.Outcome.End == SessionEnd.Stopped
            ? Observable.Return(decision)
            : Observable.Return(decision).Concat(
                Observable.Timer(decision.Delay, scheduler).Select(_ => decision).IgnoreElements());
}
