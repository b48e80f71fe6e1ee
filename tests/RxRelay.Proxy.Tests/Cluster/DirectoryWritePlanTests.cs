using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Dispatch;
using static Microsoft.Reactive.Testing.ReactiveTest;

namespace RxRelay.Proxy.Tests.Cluster;

/// <summary>Offer coalescing and the heartbeat schedule of the own row, in virtual time.</summary>
public sealed class DirectoryWritePlanTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(1);

    private readonly TestScheduler _scheduler = new();
    private readonly IObservable<ReplicaState> _active = Observable.Return(ReplicaState.Active);
    private readonly IObservable<Unit> _noWriteNow = Observable.Never<Unit>();

    private static long Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds).Ticks;

    /// <summary>Subscribes at exactly 0 (TestScheduler.Start would subscribe at tick 1) and runs to <paramref name="disposeAt"/>.</summary>
    private ITestableObserver<T> Observe<T>(IObservable<T> source, long disposeAt)
    {
        var observer = _scheduler.CreateObserver<T>();
        var subscription = source.Subscribe(observer);
        _scheduler.ScheduleAbsolute(disposeAt, subscription.Dispose);
        _scheduler.AdvanceTo(disposeAt);
        return observer;
    }

    private static ReplicaOffer Offer(int free) => new([new ModelLoad("local", "llama", 1, 4, 4 - free, 0, free)]);

    [Fact]
    public void CoalesceOffers_ChangesWithinWindow_OneWriteWithTheLatest()
    {
        var offers = _scheduler.CreateHotObservable(
            OnNext(Ms(10), Offer(1)), OnNext(Ms(20), Offer(2)), OnNext(Ms(30), Offer(3)), OnNext(Ms(120), Offer(0)));

        var observer = Observe(DirectoryWritePlan.CoalesceOffers(offers, new VersionedOffer(Offer(4), 0), Window, _scheduler), Ms(1000));

        Assert.Equal([OnNext(Ms(50), new VersionedOffer(Offer(3), 1)), OnNext(Ms(150), new VersionedOffer(Offer(0), 2))], observer.Messages);
        Assert.Equal([Subscribe(0, Ms(1000))], offers.Subscriptions);
    }

    [Fact]
    public void CoalesceOffers_BackToTheWrittenOfferWithinWindow_NothingWritten()
    {
        var offers = _scheduler.CreateHotObservable(OnNext(Ms(10), Offer(1)), OnNext(Ms(20), Offer(4)), OnNext(Ms(60), Offer(4)));

        var observer = Observe(DirectoryWritePlan.CoalesceOffers(offers, new VersionedOffer(Offer(4), 0), Window, _scheduler), Ms(1000));

        Assert.Empty(observer.Messages);
    }

    [Fact]
    public void Writes_NothingChanges_HeartbeatEverySecondNotAtStart()
    {
        var initial = new DesiredRow(Offer(4), 0, ReplicaState.Active);

        var observer = Observe(DirectoryWritePlan.Writes(_scheduler.CreateHotObservable<VersionedOffer>(), _active, initial, Heartbeat, _noWriteNow, _scheduler),
            Ms(3500));

        Assert.Equal([OnNext(Ms(1000), initial), OnNext(Ms(2000), initial), OnNext(Ms(3000), initial)], observer.Messages);
    }

    [Fact]
    public void Writes_OfferChange_WrittenAtOnceAndHeartbeatPeriodRestarts()
    {
        var initial = new DesiredRow(Offer(4), 0, ReplicaState.Active);
        var changed = new DesiredRow(Offer(2), 1, ReplicaState.Active);
        var offers = _scheduler.CreateHotObservable(OnNext(Ms(1500), new VersionedOffer(Offer(2), 1)));

        var observer = Observe(DirectoryWritePlan.Writes(offers, _active, initial, Heartbeat, _noWriteNow, _scheduler), Ms(3600));

        Assert.Equal([OnNext(Ms(1000), initial), OnNext(Ms(1500), changed), OnNext(Ms(2500), changed), OnNext(Ms(3500), changed)], observer.Messages);
    }

    [Fact]
    public void Writes_Draining_WrittenAtOnce()
    {
        var initial = new DesiredRow(Offer(4), 0, ReplicaState.Active);
        var states = _scheduler.CreateHotObservable(OnNext(Ms(300), ReplicaState.Draining));

        var observer = Observe(DirectoryWritePlan.Writes(_scheduler.CreateHotObservable<VersionedOffer>(), states, initial, Heartbeat, _noWriteNow, _scheduler), Ms(1500));

        Assert.Equal([OnNext(Ms(300), initial with { State = ReplicaState.Draining }), OnNext(Ms(1300), initial with { State = ReplicaState.Draining })], observer.Messages);
    }

    [Fact]
    public void Writes_DatabaseBack_CurrentRowWrittenAtOnce_HeartbeatPeriodKept()
    {
        var initial = new DesiredRow(Offer(4), 0, ReplicaState.Active);
        var back = _scheduler.CreateHotObservable(OnNext(Ms(1500), Unit.Default));

        var observer = Observe(DirectoryWritePlan.Writes(_scheduler.CreateHotObservable<VersionedOffer>(), _active, initial, Heartbeat, back, _scheduler), Ms(3500));

        Assert.Equal([OnNext(Ms(1000), initial), OnNext(Ms(1500), initial), OnNext(Ms(2000), initial), OnNext(Ms(3000), initial)], observer.Messages);
    }
}
