using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;
using RxRelay.Proxy.Cluster;
using static Microsoft.Reactive.Testing.ReactiveTest;
using static RxRelay.Proxy.Tests.Cluster.FakeDirectory;

namespace RxRelay.Proxy.Tests.Cluster;

/// <summary>The cluster view in virtual time: coalescing, periodic resync, expiry by database time, LISTEN loss.</summary>
public sealed class ClusterViewStreamTests : IDisposable
{
    private const string Self = "self";

    private readonly TestScheduler _scheduler = new();
    private readonly Subject<DirectorySignal> _signals = new();
    private readonly FakeDirectory _directory;

    public ClusterViewStreamTests() => _directory = new FakeDirectory(_scheduler);

    public void Dispose() => _signals.Dispose();

    private static long Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds).Ticks;

    private IObservable<ClusterView> CreateSut() =>
        ClusterViewStream.Create(Self, _signals, _directory.ReadAsync, new DirectoryTiming(), _scheduler);

    private void At(double milliseconds, Action action) => _scheduler.ScheduleAbsolute(Ms(milliseconds), action);

    private ITestableObserver<ClusterView> Run(double untilMilliseconds)
    {
        var observer = _scheduler.CreateObserver<ClusterView>();
        using var subscription = CreateSut().Subscribe(observer);
        _scheduler.AdvanceTo(Ms(untilMilliseconds));
        return observer;
    }

    [Fact]
    public void View_FirstRead_AfterCoalescingWindowWithoutSelf()
    {
        _directory.Beat(Self);
        _directory.Beat("b");

        var observer = Run(1000);

        Assert.Equal([OnNext(Ms(50), View(Peer("b")))], observer.Messages);
        Assert.Equal(1, _directory.Reads);
    }

    [Fact]
    public void View_NotificationsWithinOneWindow_OneRead()
    {
        _directory.Beat("b");
        At(1000, () => _directory.Beat("b", version: 1));
        At(1010, () => _signals.OnNext(DirectorySignal.Notification));
        At(1020, () => _signals.OnNext(DirectorySignal.Notification));
        At(1040, () => _signals.OnNext(DirectorySignal.Notification));

        var observer = Run(1500);

        Assert.Equal([OnNext(Ms(50), View(Peer("b"))), OnNext(Ms(1050), View(Peer("b", version: 1)))], observer.Messages);
        Assert.Equal(2, _directory.Reads);
    }

    [Fact]
    public void View_ChangeWithoutNotification_SeenAtNextResync()
    {
        At(500, () => _directory.Beat("b"));

        var observer = Run(4500);

        Assert.Equal([OnNext(Ms(2050), View(Peer("b")))], observer.Messages);
        Assert.Equal(3, _directory.Reads); // 0.05 s, 2.05 s, 4.05 s
    }

    [Fact]
    public void View_PeerStopsHeartbeating_GoneFiveSecondsAfterItsLastBeatByDatabaseTime()
    {
        _directory.Beat("b", age: TimeSpan.FromSeconds(1)); // its last beat was 1 s before we started

        var observer = Run(10_000);

        Assert.Equal([OnNext(Ms(50), View(Peer("b"))), OnNext(Ms(4000), ClusterView.Empty)], observer.Messages);
    }

    [Fact]
    public void View_PeerKeepsHeartbeating_StaysWithoutNewViews()
    {
        for (var second = 0; second <= 20; second++)
        {
            At(second * 1000, () => _directory.Beat("b"));
        }

        var observer = Run(20_000);

        Assert.Equal([OnNext(Ms(50), View(Peer("b")))], observer.Messages);
    }

    [Fact]
    public void View_DatabaseDown_ViewFrozen_NoPeerExpiresWithoutDatabaseTime()
    {
        _directory.Beat("b");
        At(1000, () => _directory.Down = true);

        var observer = Run(30_000); // b's last beat was at 0 s: it would have expired at 5 s

        Assert.Equal([OnNext(Ms(50), View(Peer("b")))], observer.Messages);
    }

    [Fact]
    public void View_DatabaseBack_KnownPeerGetsOneExpiryPeriodToBeatAgain_AndStaysWhenItDoes()
    {
        _directory.Beat("b");
        At(1000, () => _directory.Down = true);
        At(10_000, () => _directory.Down = false); // b could not write either: its row is 10 s old now
        for (var second = 12; second <= 30; second++)
        {
            At(second * 1000, () => _directory.Beat("b")); // b writes again 2 s after the database is back
        }

        var observer = Run(30_000);

        Assert.Equal([OnNext(Ms(50), View(Peer("b")))], observer.Messages);
    }

    [Fact]
    public void View_DatabaseBack_KnownPeerThatNeverBeatsAgain_GoneOneExpiryPeriodAfterTheFirstRead()
    {
        _directory.Beat("b");
        At(1000, () => _directory.Down = true);
        At(10_000, () => _directory.Down = false);

        var observer = Run(30_000);

        // Reads fail at 2.05 s and every 0.5 s after; the first that works is sent at 10.05 s.
        Assert.Equal([OnNext(Ms(50), View(Peer("b"))), OnNext(Ms(15_050), ClusterView.Empty)], observer.Messages);
    }

    [Fact]
    public void View_DatabaseBack_PeerUnknownBeforeWithAnOldRow_NeverShown()
    {
        At(1000, () => _directory.Down = true);
        At(5000, () => _directory.Beat("c", age: TimeSpan.FromSeconds(6)));
        At(10_000, () => _directory.Down = false);

        var observer = Run(30_000);

        Assert.Empty(observer.Messages);
    }

    [Fact]
    public void View_ReadFails_RetriedAfterHalfASecondNotAtNextResync()
    {
        _directory.Down = true;
        _directory.Beat("b");
        At(300, () => _directory.Down = false);

        var observer = Run(1000);

        Assert.Equal([OnNext(Ms(550), View(Peer("b")))], observer.Messages); // failed at 0.05 s, retried at 0.55 s (its window closes then too)
        Assert.Equal(2, _directory.Reads);
    }

    [Fact]
    public void View_RowAlreadyExpiredWhenRead_NeverShown()
    {
        _directory.Beat("b", age: TimeSpan.FromSeconds(5));
        _directory.Beat("c", age: TimeSpan.FromSeconds(4.9));

        var observer = Run(1000);

        Assert.Equal([OnNext(Ms(50), View(Peer("c"))), OnNext(Ms(100), ClusterView.Empty)], observer.Messages);
    }

    [Fact]
    public void View_DeletedRow_GoneAtNotifiedRead()
    {
        _directory.Beat("b");
        _directory.Beat("c");
        At(700, () => _directory.Delete("b"));
        At(710, () => _signals.OnNext(DirectorySignal.Notification));

        var observer = Run(1000);

        Assert.Equal([OnNext(Ms(50), View(Peer("b"), Peer("c"))), OnNext(Ms(750), View(Peer("c")))], observer.Messages);
    }

    [Fact]
    public void View_ListenLostThenBack_ResyncsAtOnce()
    {
        At(500, () => _signals.OnNext(DirectorySignal.ListenLost));
        At(600, () => _directory.Beat("b", state: ReplicaState.Draining)); // its notification went nowhere
        At(1010, () => _signals.OnNext(DirectorySignal.ListenConnected));

        var observer = Run(1500);

        Assert.Equal([OnNext(Ms(1050), View(Peer("b", state: ReplicaState.Draining)))], observer.Messages);
        Assert.Equal(2, _directory.Reads); // the lost connection alone reads nothing
    }

    [Fact]
    public async Task View_SlowRead_TriggersWhileItRunsMakeOneMoreRead()
    {
        _directory.Gate = new TaskCompletionSource();
        for (var ms = 100; ms <= 1000; ms += 100)
        {
            var at = ms;
            At(at, () => _signals.OnNext(DirectorySignal.Notification));
        }

        At(1010, () => _directory.Beat("b"));
        var observer = _scheduler.CreateObserver<ClusterView>();
        using var subscription = CreateSut().Subscribe(observer);
        _scheduler.AdvanceTo(Ms(1020));
        var blocked = _directory.Reads;
        var gate = _directory.Gate;
        await Task.Run(gate.SetResult); // on the default task scheduler the read's continuations run inline, before this returns

        Assert.Equal([OnNext(Ms(1020), View(Peer("b")))], observer.Messages);
        Assert.Equal(1, blocked);
        Assert.Equal(2, _directory.Reads);
    }
}
