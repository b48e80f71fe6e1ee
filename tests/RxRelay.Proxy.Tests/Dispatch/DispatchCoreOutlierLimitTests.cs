using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;
using RxRelay.Testing.Logging;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>The limits of outlier ejection: boundary, last healthy worker, period, healing, logging.</summary>
public sealed class DispatchCoreOutlierLimitTests
{
    private static readonly TimeSpan FirstEventTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BaseEjection = TimeSpan.FromSeconds(30);

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_JustBeforeDeadline_NothingMoves()
    {
        using var sut = new CoreHarness();
        var stuck = sut.Register("stuck", ["llama"], max: 8);
        var healthy = sut.Register("healthy", ["llama"], max: 8);
        sut.Submit("llama", streaming: true);

        sut.Time.Advance(FirstEventTimeout - TimeSpan.FromTicks(1));

        Assert.Equal(["request-1"], sut.Core.InFlightOf(stuck));
        Assert.Empty(sut.RequestsSentTo(healthy));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_OnlyWorkerForModel_NotEjected()
    {
        using var sut = new CoreHarness();
        var only = sut.Register("only", ["llama"], max: 8);
        sut.Submit("llama", streaming: true);

        sut.Time.Advance(FirstEventTimeout);
        sut.Submit("llama", streaming: true);

        Assert.Equal(["request-1", "request-2"], sut.Core.InFlightOf(only));
        Assert.Empty(sut.Sinks[only].Frames.OfType<CancelRequest>());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_PeerAlsoOverdue_NobodyEjected()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        var b = sut.Register("b", ["llama"], max: 8);
        sut.Submit("llama", streaming: true);
        sut.Submit("llama", streaming: true);

        sut.Time.Advance(FirstEventTimeout);

        Assert.Equal(["request-1"], sut.Core.InFlightOf(a));
        Assert.Equal(["request-2"], sut.Core.InFlightOf(b));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_NonStreamingRequest_NotTimed()
    {
        using var sut = new CoreHarness();
        var slow = sut.Register("slow", ["llama"], max: 8);
        sut.Register("idle", ["llama"], max: 8);
        sut.Submit("llama");

        sut.Time.Advance(FirstEventTimeout * 3);

        Assert.Equal(["request-1"], sut.Core.InFlightOf(slow));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void Ejection_StartedStreamAndSocketKept_PeriodEndsThenWorkAgain()
    {
        using var sut = new CoreHarness(new DispatchOptions { QueueTimeout = null });
        var stuck = sut.Register("stuck", ["llama"], max: 8);
        var healthy = sut.Register("healthy", ["llama"], max: 1);
        sut.Submit("llama", streaming: true); // request-1 → stuck, started below
        sut.Core.OnChunk(stuck, "request-1", "a");
        sut.Submit("llama", streaming: true); // request-2 → healthy (load 0 < 1)
        sut.Core.OnChunk(healthy, "request-2", "b");
        sut.Submit("llama", streaming: true); // request-3 → stuck, never answered
        sut.Time.Advance(FirstEventTimeout);
        Assert.Equal(["request-1"], sut.Core.InFlightOf(stuck));
        Assert.Equal(["request-3"], sut.Core.QueuedIds()); // healthy is full

        sut.Time.Advance(BaseEjection - TimeSpan.FromTicks(1));
        Assert.Equal(["request-3"], sut.Core.QueuedIds());
        sut.Time.Advance(TimeSpan.FromTicks(1));

        // stuck never answered the cancel of request-3's first attempt, so the retry runs under a fresh id
        Assert.Equal(["request-1", "request-3", "request-4"], sut.RequestsSentTo(stuck));
        Assert.Empty(sut.Sinks[stuck].Closes);
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void Ejection_LateAnswerForMovedRequest_HealsWorkerAndIsDropped()
    {
        using var sut = new CoreHarness();
        var stuck = sut.Register("stuck", ["llama"], max: 8);
        var healthy = sut.Register("healthy", ["llama"], max: 8);
        sut.Submit("llama", streaming: true);
        sut.Submit("llama", streaming: true);
        sut.Core.OnChunk(healthy, "request-2", "b");
        sut.Time.Advance(FirstEventTimeout); // request-1 moves to healthy

        var verdict = sut.Complete(stuck, "request-1", 499, "");
        sut.Submit("llama", streaming: true);

        Assert.Equal(FrameVerdict.Dropped, verdict);
        Assert.Empty(sut.Events("request-1"));
        Assert.Equal(["request-1", "request-3"], sut.RequestsSentTo(stuck));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void Ejection_Logged_OneWarningWithWorkerProviderModelAndMoved()
    {
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var core = new DispatchCore(new DispatchOptions(), time, a => a(), logger);
        var stuck = new RecordingFrameSink();
        var healthy = new RecordingFrameSink();
        core.RegisterWorker("openai", "stuck", ["llama"], 8, 0, null, stuck);
        core.RegisterWorker("openai", "healthy", ["llama"], 8, 0, null, healthy);
        for (var i = 0; i < 3; i++)
            core.Submit(new SubmitRequest("openai", "llama", "/v1/chat/completions", true, "{}", new Dictionary<string, string>()));
        core.OnChunk("worker-2", "request-2", "b");

        time.Advance(FirstEventTimeout);

        Assert.Equal(
            [new RxRelay.Testing.Logging.LogLine(Microsoft.Extensions.Logging.LogLevel.Warning, 400,
                "worker worker-1 (provider openai) ejected for 30 s: a llama request got no first event within 10 s; 2 requests without a first event moved to other workers")],
            logger.Lines);
    }
}
