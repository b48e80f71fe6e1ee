using System.Reactive;
using Microsoft.Reactive.Testing;
using static RxRelay.Reactive.Tests.TestTime;

namespace RxRelay.Reactive.Tests;

/// <summary>Sessions start at virtual time 0; a frame "at 0 s" arrives one tick later (TestScheduler's earliest).</summary>
public sealed class IdleTimeoutObservableExtensionsTests : ReactiveTest
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(90);
    private readonly TestScheduler _scheduler = new();

    [Fact]
    public void IdleTimeout_SilenceAfterLastFrame_FailsExactly90SecondsAfterIt()
    {
        var frames = _scheduler.CreateHotObservable(OnNext(S(10), "a"), OnNext(S(25), "b"));

        var result = Run(frames, NotBusy());

        Assert.Equal([OnNext(S(10), "a"), OnNext(S(25), "b"), IdleError<string>(S(115))], result.Messages);
        Assert.Equal([Subscribe(0, S(115))], frames.Subscriptions);
    }

    [Fact]
    public void IdleTimeout_NoFrameAtAll_Fails90SecondsAfterSubscription()
    {
        var frames = _scheduler.CreateHotObservable<int>();

        var result = Run(frames, NotBusy());

        Assert.Equal([IdleError<int>(S(90))], result.Messages);
        Assert.Equal([Subscribe(0, S(90))], frames.Subscriptions);
    }

    [Fact]
    public void IdleTimeout_FramesAt0And89And178Seconds_KeepSessionAliveUntil268Seconds()
    {
        var frames = _scheduler.CreateHotObservable(OnNext(1, 1), OnNext(S(89), 2), OnNext(S(178), 3));

        var result = Run(frames, NotBusy());

        Assert.Equal([OnNext(1, 1), OnNext(S(89), 2), OnNext(S(178), 3), IdleError<int>(S(268))], result.Messages);
        Assert.Equal([Subscribe(0, S(268))], frames.Subscriptions);
    }

    [Fact]
    public void IdleTimeout_FrameOneTickBeforeDeadline_RestartsTheTimer()
    {
        var frames = _scheduler.CreateHotObservable(OnNext(S(90) - 1, 1));

        var result = Run(frames, NotBusy());

        Assert.Equal([OnNext(S(90) - 1, 1), IdleError<int>(S(180) - 1)], result.Messages);
    }

    [Fact]
    public void IdleTimeout_BusyFrom50To300Seconds_Fires90SecondsAfterBecomingIdle()
    {
        var frames = _scheduler.CreateHotObservable(OnNext(S(10), 1));
        var busy = _scheduler.CreateHotObservable(OnNext(S(50), true), OnNext(S(300), false));

        var result = Run(frames, busy);

        Assert.Equal([OnNext(S(10), 1), IdleError<int>(S(390))], result.Messages);
        Assert.Equal([Subscribe(0, S(390))], frames.Subscriptions);
        Assert.Equal([Subscribe(0, S(390))], busy.Subscriptions);
    }

    [Fact]
    public void IdleTimeout_BusyForAnHourWithoutFrames_NeverFires()
    {
        var frames = _scheduler.CreateHotObservable<int>();
        var busy = _scheduler.CreateHotObservable(OnNext(S(1), true));

        var result = _scheduler.Observe(frames.IdleTimeout(Idle, busy, _scheduler), S(3600));

        Assert.Empty(result.Messages);
        Assert.Equal([Subscribe(0, S(3600))], frames.Subscriptions);
    }

    [Fact]
    public void IdleTimeout_RepeatedIdleSignal_DoesNotRestartTheTimer()
    {
        var frames = _scheduler.CreateHotObservable<int>();
        var busy = _scheduler.CreateHotObservable(OnNext(S(10), true), OnNext(S(20), false), OnNext(S(30), false));

        var result = Run(frames, busy);

        Assert.Equal([IdleError<int>(S(110))], result.Messages);
    }

    [Fact]
    public void IdleTimeout_SourceCompletes_CompletesAndStopsWatchingBusy()
    {
        var frames = _scheduler.CreateHotObservable(OnNext(S(5), 1), OnCompleted<int>(S(7)));
        var busy = _scheduler.CreateHotObservable(OnNext(S(1), true));

        var result = Run(frames, busy);

        Assert.Equal([OnNext(S(5), 1), OnCompleted<int>(S(7))], result.Messages);
        Assert.Equal([Subscribe(0, S(7))], busy.Subscriptions);
    }

    [Fact]
    public void IdleTimeout_Disposed_UnsubscribesFramesAndBusyAtDisposalTime()
    {
        var frames = _scheduler.CreateHotObservable(OnNext(S(1), 1));
        var busy = _scheduler.CreateHotObservable(OnNext(S(2), true));

        var result = _scheduler.Observe(frames.IdleTimeout(Idle, busy, _scheduler), S(42));

        Assert.Equal([OnNext(S(1), 1)], result.Messages);
        Assert.Equal([Subscribe(0, S(42))], frames.Subscriptions);
        Assert.Equal([Subscribe(0, S(42))], busy.Subscriptions);
    }

    private ITestableObserver<T> Run<T>(IObservable<T> frames, IObservable<bool> busy)
        => _scheduler.Observe(frames.IdleTimeout(Idle, busy, _scheduler), S(10_000));

    private ITestableObservable<bool> NotBusy() => _scheduler.CreateHotObservable<bool>();

    private static Recorded<Notification<T>> IdleError<T>(long ticks)
        => OnError<T>(ticks, e => e is IdleTimeoutException { IdleTimeout.TotalSeconds: 90 });
}
