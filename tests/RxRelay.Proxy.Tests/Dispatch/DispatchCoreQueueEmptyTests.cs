using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// <see cref="DispatchCore.WhenQueueEmpty"/>: "drain begun and nothing queued", the completion a cluster replica
/// waits for before it leaves the directory (its queued requests can still go to peers after its workers left).
/// </summary>
public sealed class DispatchCoreQueueEmptyTests
{
    private static CoreHarness CreateSut() => new();

    [Fact]
    public void WhenQueueEmpty_NoDrain_NeverCompletesEvenWithNothingLive()
    {
        using var sut = CreateSut();

        Assert.False(sut.Core.WhenQueueEmpty().IsCompleted);
    }

    [Fact]
    public void WhenQueueEmpty_DrainBegunAndNothingLive_CompletesAtOnce()
    {
        using var sut = CreateSut();
        sut.Core.BeginDrain(TimeSpan.FromSeconds(5));

        Assert.True(sut.Core.WhenQueueEmpty().IsCompleted);
    }

    [Fact]
    public void WhenQueueEmpty_QueuedRequestOutlivesTheWorkers_CompletesOnlyWhenItEnds()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Submit("llama");
        var empty = sut.Core.WhenQueueEmpty();
        sut.Core.BeginDrain(TimeSpan.FromSeconds(5));

        sut.Complete(w1, "request-1");
        Assert.True(sut.Core.Drained.IsCompleted);
        Assert.Equal(["request-2"], sut.Core.QueuedIds());
        Assert.False(empty.IsCompleted);

        Assert.True(sut.Core.Cancel("request-2", CancelReason.ClientDisconnect));
        Assert.True(empty.IsCompleted);
    }

    [Fact]
    public void WhenQueueEmpty_RequestsInFlightOnly_CompletesAtOnce_TheyFinishDuringTheServersStop()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Core.BeginDrain(TimeSpan.FromSeconds(5));

        Assert.True(sut.Core.WhenQueueEmpty().IsCompleted);
        Assert.Equal(1, sut.Core.LiveRequestCount);
        Assert.Equal(["request-1"], sut.Core.InFlightOf(w1));
    }

    [Fact]
    public void WhenQueueEmpty_QueuedRequestForwardedToAPeer_Completes()
    {
        using var sut = CreateSut();
        sut.Submit("llama");
        sut.Core.BeginDrain(TimeSpan.FromSeconds(5));
        var empty = sut.Core.WhenQueueEmpty();
        Assert.False(empty.IsCompleted);

        Assert.NotNull(sut.Core.TakeForPeer([new ModelKey(CoreHarness.Provider, "llama")], _ => "replica-b"));

        Assert.True(empty.IsCompleted);
    }

    [Fact]
    public void WhenQueueEmpty_QueuedRequestTimesOut_CompletesAtTheQueueDeadline()
    {
        using var sut = new CoreHarness(new DispatchOptions { QueueTimeout = TimeSpan.FromSeconds(30) });
        sut.Submit("llama");
        sut.Core.BeginDrain(TimeSpan.FromSeconds(5));
        var empty = sut.Core.WhenQueueEmpty();

        sut.Time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.False(empty.IsCompleted);
        sut.Time.Advance(TimeSpan.FromTicks(1));

        Assert.True(empty.IsCompleted);
        Assert.Equal([CoreHarness.Failed(DispatchFailureKind.QueueTimeout)], sut.Events("request-1"));
    }
}
