using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;

namespace RxRelay.Reactive.Tests;

/// <summary>Virtual-time helpers: TestScheduler ticks are TimeSpan ticks.</summary>
internal static class TestTime
{
    public static long S(double seconds) => TimeSpan.FromSeconds(seconds).Ticks;

    /// <summary>
    /// Subscribes at virtual time 0 (synchronously, so the session starts exactly at 0; TestScheduler
    /// would push scheduled work at 0 to tick 1), disposes at <paramref name="disposeAt"/> and runs the
    /// clock to there.
    /// </summary>
    public static ITestableObserver<T> Observe<T>(this TestScheduler scheduler, IObservable<T> source, long disposeAt)
    {
        var observer = scheduler.CreateObserver<T>();
        var subscription = source.Subscribe(observer);
        scheduler.ScheduleAbsolute(disposeAt, subscription.Dispose);
        scheduler.AdvanceTo(disposeAt);
        return observer;
    }
}
