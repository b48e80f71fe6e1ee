namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>The queue timeout: one exact deadline per request, boundary inclusive, kept across requeues.</summary>
public sealed class DispatchCoreQueueTimeoutTests
{
    private static CoreHarness CreateSut(DispatchOptions? options = null) => new(options);

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void QueueTimeout_ExactlyAtQueueTimePlusTimeout_Expires()
    {
        using var sut = CreateSut(new DispatchOptions { QueueTimeout = TimeSpan.FromSeconds(5) });
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Submit("llama");

        sut.Time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.Equal(["request-2"], sut.Core.QueuedIds());
        Assert.Empty(sut.Events("request-2"));
        sut.Time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal([Failed(DispatchFailureKind.QueueTimeout)], sut.Events("request-2"));
        Assert.Empty(sut.Core.QueuedIds());
        sut.Complete(w1, "request-1");
        Assert.Equal(["request-1"], sut.RequestsSentTo(w1));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Reference)]
    public void QueueTimeout_TwoQueued_OnlyTheOlderExpires()
    {
        using var sut = CreateSut(new DispatchOptions { QueueTimeout = TimeSpan.FromSeconds(5) });
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Submit("llama");
        sut.Time.Advance(TimeSpan.FromSeconds(3));
        sut.Submit("llama");

        sut.Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal([Failed(DispatchFailureKind.QueueTimeout)], sut.Events("request-2"));
        Assert.Equal(["request-3"], sut.Core.QueuedIds());
        sut.Complete(w1, "request-1");
        Assert.Equal(["request-1", "request-3"], sut.RequestsSentTo(w1));
    }

    [Fact] // item 18
    [Trait(TestSource.Trait, TestSource.HarnessScenario)]
    public void QueueTimeout_FiveSeconds_QueueTimedOutAndQueueEmpty()
    {
        using var sut = CreateSut(new DispatchOptions { QueueTimeout = TimeSpan.FromSeconds(5) });
        sut.Submit("llama");

        sut.Time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal([Failed(DispatchFailureKind.QueueTimeout)], sut.Events("request-1"));
        Assert.Equal("Request timed out waiting for worker", DispatchFailure.Of(DispatchFailureKind.QueueTimeout).Message);
        Assert.Equal(0, sut.Core.Snapshot().TotalQueueDepth);
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void QueueTimeout_RequeuedRequest_KeepsOriginalDeadline()
    {
        using var sut = CreateSut(new DispatchOptions { QueueTimeout = TimeSpan.FromSeconds(30) });
        var w1 = sut.Register("a", ["llama"]);
        sut.Submit("llama");
        sut.Time.Advance(TimeSpan.FromSeconds(20));
        sut.Core.OnWorkerGone(w1);

        sut.Time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.Equal(["request-1"], sut.Core.QueuedIds());
        sut.Time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal([Failed(DispatchFailureKind.QueueTimeout)], sut.Events("request-1"));
    }
}
