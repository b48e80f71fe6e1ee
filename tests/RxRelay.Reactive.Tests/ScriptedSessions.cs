using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;

namespace RxRelay.Reactive.Tests;

/// <summary>
/// A cold session source for the reconnect loop: subscription <c>i</c> runs script <c>i</c> (then the
/// fallback), and every subscription is recorded as a <see cref="Subscription"/> in virtual time, like a
/// <c>TestScheduler</c> cold observable — but a failed connect can fail at its subscription instant.
/// </summary>
internal sealed class ScriptedSessions(TestScheduler scheduler, params IObservable<SessionOutcome>[] scripts)
{
    private readonly List<Subscription> _subscriptions = [];

    public IObservable<SessionOutcome> Fallback { get; init; } = Fail();

    public IReadOnlyList<Subscription> Subscriptions => _subscriptions;

    public IObservable<SessionOutcome> Sessions => Observable.Create<SessionOutcome>(observer =>
    {
        var index = _subscriptions.Count;
        _subscriptions.Add(new Subscription(scheduler.Clock));
        var script = index < scripts.Length ? scripts[index] : Fallback;
        var inner = script.Subscribe(observer);
        return Disposable.Create(() =>
        {
            inner.Dispose();
            _subscriptions[index] = new Subscription(_subscriptions[index].Subscribe, scheduler.Clock);
        });
    });

    public static IObservable<SessionOutcome> Fail() => Observable.Throw<SessionOutcome>(new IOException("connection refused"));

    public IObservable<SessionOutcome> Lasting(double seconds, SessionEnd end)
        => Observable.Timer(TimeSpan.FromSeconds(seconds), scheduler)
            .Select(_ => new SessionOutcome(end, TimeSpan.FromSeconds(seconds)));
}
