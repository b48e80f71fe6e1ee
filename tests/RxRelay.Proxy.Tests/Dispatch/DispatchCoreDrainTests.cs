namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// SIGTERM drain (docs/protocol.md#proxy-drain; upstream's worker_socket.rs 14–15 and contract-harness
/// scenarios 3–4, docs/differences-from-upstream.md#upstream-tests).
/// </summary>
public sealed class DispatchCoreDrainTests
{
    private static CoreHarness CreateSut() => new();

    [Fact]
    public void BeginDrain_InFlightCompletes_CloseGracefulShutdownCompleteAndQueuedStays()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Submit("llama");

        sut.Core.BeginDrain(TimeSpan.FromMilliseconds(250));
        Assert.Equal(new GracefulShutdown("proxy server shutting down", 1), sut.Sinks[w1].Frames[^1]);
        Assert.Empty(sut.Sinks[w1].Closes);
        sut.Complete(w1, "request-1");

        Assert.Equal([(1000, "graceful shutdown complete")], sut.Sinks[w1].Closes);
        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
        Assert.Equal(["request-2"], sut.Core.QueuedIds());
        Assert.True(sut.Core.Drained.IsCompleted);
        Assert.Empty(sut.Core.Snapshot().Workers);
    }

    [Fact]
    public void BeginDrain_DeadlinePassesWithWorkInFlight_FailsRequestAndClosesTimedOut()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Core.BeginDrain(TimeSpan.FromSeconds(10));

        sut.Time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.Empty(sut.Sinks[w1].Closes);
        sut.Time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal([Failed(DispatchFailureKind.DrainTimedOut)], sut.Events("request-1"));
        Assert.Equal("Service temporarily unavailable while workers shut down", DispatchFailure.Of(DispatchFailureKind.DrainTimedOut).Message);
        Assert.Equal([(1000, "graceful shutdown timed out")], sut.Sinks[w1].Closes);
        Assert.DoesNotContain(sut.Sinks[w1].Frames, f => f is CancelRequest);
        Assert.Equal(new GracefulShutdown("proxy server shutting down", 10), sut.Sinks[w1].Frames[^1]);
        Assert.True(sut.Core.Drained.IsCompleted);
    }

    [Fact]
    public void BeginDrain_IdleWorker_ShutdownThenClosedAtOnce()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);

        sut.Core.BeginDrain(TimeSpan.FromSeconds(5));

        Assert.Equal(new GracefulShutdown("proxy server shutting down", 5), sut.Sinks[w1].Frames[^1]);
        Assert.Equal([(1000, "graceful shutdown complete")], sut.Sinks[w1].Closes);
        Assert.True(sut.Core.Drained.IsCompleted);
    }

    [Fact]
    public void BeginDrain_DrainingWorker_GetsNoNewRequests()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"], max: 2);
        sut.Submit("llama");
        sut.Core.BeginDrain(TimeSpan.FromSeconds(5));

        sut.Submit("llama");
        sut.Core.OnPong(w1, 0);

        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
        Assert.Equal(["request-2"], sut.Core.QueuedIds());
        Assert.True(sut.Core.Snapshot().Workers.Single().IsDraining);
        Assert.False(sut.Core.Drained.IsCompleted);
    }

    [Fact]
    public void BeginDrain_WorkerRegistersDuringDrain_AckThenShutdownThenClose()
    {
        using var sut = CreateSut();
        sut.Submit("llama");
        sut.Core.BeginDrain(TimeSpan.FromSeconds(5));

        var w1 = sut.Register("late", ["llama"]);

        Assert.IsType<RegisterAck>(sut.Sinks[w1].Frames[0]);
        Assert.Equal(new GracefulShutdown("proxy server shutting down", 5), sut.Sinks[w1].Frames[1]);
        Assert.Equal(2, sut.Sinks[w1].Frames.Count);
        Assert.Equal([(1000, "graceful shutdown complete")], sut.Sinks[w1].Closes);
    }
}
