using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// <see cref="DispatchCore.WhenIdle"/>: "drain begun and no live request", the completion a cluster replica
/// waits for before it leaves the directory (its queued requests can still go to peers after its workers left).
/// </summary>
public sealed class DispatchCoreIdleTests
{
    private static CoreHarness CreateSut() => new();

    [Fact]
    public void WhenIdle_NoDrain_NeverCompletesEvenWithNothingLive()
    {
        using var sut = CreateSut();

        Assert.False(sut.Core.WhenIdle().IsCompleted);
    }

    [Fact]
    public void WhenIdle_DrainBegunAndNothingLive_CompletesAtOnce()
    {
        using var sut = CreateSut();
        sut.Core.BeginDrain(TimeSpan.FromSeconds(5));

        Assert.True(sut.Core.WhenIdle().IsCompleted);
    }

    [Fact]
    public void WhenIdle_QueuedRequestOutlivesTheWorkers_CompletesOnlyWhenItEnds()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Submit("llama");
        var idle = sut.Core.WhenIdle();
        sut.Core.BeginDrain(TimeSpan.FromSeconds(5));

        sut.Complete(w1, "request-1");
        Assert.True(sut.Core.Drained.IsCompleted);
        Assert.Equal(["request-2"], sut.Core.QueuedIds());
        Assert.False(idle.IsCompleted);

        Assert.True(sut.Core.Cancel("request-2", CancelReason.ClientDisconnect));
        Assert.True(idle.IsCompleted);
    }

    [Fact]
    public void WhenIdle_InFlightRequest_CompletesWhenItsAnswerArrives()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Core.BeginDrain(TimeSpan.FromSeconds(5));
        var idle = sut.Core.WhenIdle();
        Assert.False(idle.IsCompleted);

        sut.Complete(w1, "request-1");

        Assert.True(idle.IsCompleted);
        Assert.Equal("request-1", Assert.IsType<RequestEvent.Completed>(Assert.Single(sut.Events("request-1"))).Response.RequestId);
    }

    [Fact]
    public void WhenIdle_QueuedRequestTimesOut_CompletesAtTheQueueDeadline()
    {
        using var sut = new CoreHarness(new DispatchOptions { QueueTimeout = TimeSpan.FromSeconds(30) });
        sut.Submit("llama");
        sut.Core.BeginDrain(TimeSpan.FromSeconds(5));
        var idle = sut.Core.WhenIdle();

        sut.Time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.False(idle.IsCompleted);
        sut.Time.Advance(TimeSpan.FromTicks(1));

        Assert.True(idle.IsCompleted);
        Assert.Equal([CoreHarness.Failed(DispatchFailureKind.QueueTimeout)], sut.Events("request-1"));
    }
}
