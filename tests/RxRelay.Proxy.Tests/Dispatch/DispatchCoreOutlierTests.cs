using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;
using RxRelay.Testing.Logging;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// Outlier ejection (docs/protocol.md#outlier-ejection): a worker whose streaming requests get no first
/// event within the first-event timeout (default 10 s) stops getting work while a peer is healthy.
/// </summary>
public sealed class DispatchCoreOutlierTests
{
    private static readonly TimeSpan FirstEventTimeout = TimeSpan.FromSeconds(10);

    private static CoreHarness CreateSut() => new();

    /// <summary>request-1 on <c>stuck</c> (never answers), request-2 on <c>healthy</c>, which has started it.</summary>
    private static (string Stuck, string Healthy) StuckBesideHealthy(CoreHarness sut)
    {
        var stuck = sut.Register("stuck", ["llama"], max: 8);
        var healthy = sut.Register("healthy", ["llama"], max: 8);
        sut.Submit("llama", streaming: true);
        sut.Submit("llama", streaming: true);
        sut.Core.OnChunk(healthy, "request-2", "data: hi\n\n");
        return (stuck, healthy);
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_StuckWorkerBesideHealthy_RequestCancelledThereAndMovedToHealthy()
    {
        using var sut = CreateSut();
        var (stuck, healthy) = StuckBesideHealthy(sut);

        sut.Time.Advance(FirstEventTimeout);

        Assert.Equal(["request-2", "request-1"], sut.RequestsSentTo(healthy));
        Assert.Equal(new CancelRequest("request-1", CancelReason.Timeout), sut.Sinks[stuck].Frames[^1]);
        Assert.Empty(sut.Core.InFlightOf(stuck));
        Assert.Empty(sut.Events("request-1"));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void Submit_StuckWorkerEjected_NewRequestsGoToBusierHealthyWorker()
    {
        using var sut = CreateSut();
        var (stuck, healthy) = StuckBesideHealthy(sut);
        sut.Time.Advance(FirstEventTimeout);

        sut.Submit("llama", streaming: true);

        Assert.Equal(["request-2", "request-1", "request-3"], sut.RequestsSentTo(healthy));
        Assert.Equal(["request-1"], sut.RequestsSentTo(stuck));
    }
}

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
    public void FirstEventTimeout_PeerBusyAndNotAnsweringYet_EveryWorkerBehindSoNobodyEjected()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        var b = sut.Register("b", ["llama"], max: 8);
        sut.Submit("llama", streaming: true); // request-1 → a
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        sut.Submit("llama", streaming: true); // request-2 → b, not overdue when request-1 is

        sut.Time.Advance(FirstEventTimeout - TimeSpan.FromSeconds(1));

        Assert.Equal(["request-1"], sut.Core.InFlightOf(a));
        Assert.Equal(["request-2"], sut.Core.InFlightOf(b));
        Assert.Empty(sut.Sinks[a].Frames.OfType<CancelRequest>());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_PeerAnsweredOnlyOlderRequests_NobodyEjected()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        var b = sut.Register("b", ["llama"], max: 8);
        sut.Submit("llama", streaming: true); // request-1 → a
        sut.Submit("llama", streaming: true); // request-2 → b
        sut.Core.OnChunk(b, "request-2", "b"); // b answered a request assigned at 0 s
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        sut.Core.OnChunk(a, "request-1", "a");
        sut.Submit("llama", streaming: true); // request-3 → a at 1 s: the one that will be overdue
        sut.Time.Advance(TimeSpan.FromSeconds(0.5));
        sut.Submit("llama", streaming: true); // request-4 → b at 1.5 s, awaiting

        sut.Time.Advance(FirstEventTimeout - TimeSpan.FromSeconds(0.5));

        Assert.Equal(["request-1", "request-3"], sut.Core.InFlightOf(a));
        Assert.Empty(sut.Sinks[a].Frames.OfType<CancelRequest>());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_BusyPeerAnsweredAYoungerRequest_StuckWorkerEjected()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        var b = sut.Register("b", ["llama"], max: 8);
        sut.Submit("llama", streaming: true); // request-1 → a at 0 s
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        sut.Submit("llama", streaming: true); // request-2 → b at 1 s
        sut.Core.OnChunk(b, "request-2", "b"); // b answered a request younger than request-1
        sut.Complete(b, "request-2", 200, "");
        sut.Submit("llama", streaming: true); // request-3 → b (a is busier), awaiting

        sut.Time.Advance(FirstEventTimeout - TimeSpan.FromSeconds(1));

        Assert.Equal([new CancelRequest("request-1", CancelReason.Timeout)], sut.Sinks[a].Frames.OfType<CancelRequest>());
        Assert.Equal(["request-2", "request-3", "request-1"], sut.RequestsSentTo(b));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_IdlePeer_StuckWorkerEjected()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        sut.Submit("llama", streaming: true);
        var idle = sut.Register("idle", ["llama"], max: 8);

        sut.Time.Advance(FirstEventTimeout);

        Assert.Equal(new CancelRequest("request-1", CancelReason.Timeout), sut.Sinks[a].Frames[^1]);
        Assert.Equal(["request-1"], sut.Core.InFlightOf(idle));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_NobodyHealthyBesideAtTheDeadline_ExaminedAgainOneTimeoutLaterAndEjectedOnceThePeerAnswered()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        var b = sut.Register("b", ["llama"], max: 8);
        sut.Submit("llama", streaming: true); // request-1 → a at 0 s, never answered
        sut.Time.Advance(TimeSpan.FromSeconds(8));
        sut.Submit("llama", streaming: true); // request-2 → b at 8 s
        sut.Time.Advance(TimeSpan.FromSeconds(2)); // 10 s: b awaits and has answered nothing yet: no ejection
        Assert.Empty(sut.Sinks[a].Frames.OfType<CancelRequest>());
        sut.Time.Advance(TimeSpan.FromSeconds(1));
        sut.Core.OnChunk(b, "request-2", "b"); // 11 s: b answers a request younger than request-1

        sut.Time.Advance(FirstEventTimeout - TimeSpan.FromSeconds(1) - TimeSpan.FromTicks(1));
        Assert.Empty(sut.Sinks[a].Frames.OfType<CancelRequest>());
        sut.Time.Advance(TimeSpan.FromTicks(1)); // 20 s: request-1 examined again

        Assert.Equal([new CancelRequest("request-1", CancelReason.Timeout)], sut.Sinks[a].Frames.OfType<CancelRequest>());
        Assert.Equal(["request-2", "request-1"], sut.RequestsSentTo(b));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_WorkerStillAnsweringOtherRequests_BehindNotStuckSoNotEjectedUntilItStopsForAWholeTimeout()
    {
        using var sut = new CoreHarness();
        var a = sut.Register("a", ["llama"], max: 8);
        var b = sut.Register("b", ["llama"], max: 8);
        sut.Submit("llama", streaming: true); // request-1 → a at 0 s, the one that will be overdue
        sut.Submit("llama", streaming: true); // request-2 → b
        sut.Submit("llama", streaming: true); // request-3 → a
        sut.Core.OnChunk(b, "request-2", "b"); // b keeps up: answered a request as young as request-1, awaits none
        sut.Time.Advance(TimeSpan.FromSeconds(5));
        sut.Core.OnChunk(a, "request-3", "a"); // a answers another request at 5 s

        sut.Time.Advance(TimeSpan.FromSeconds(5)); // 10 s: request-1 overdue, but a answered within the last 10 s
        Assert.Empty(sut.Sinks[a].Frames.OfType<CancelRequest>());
        sut.Time.Advance(FirstEventTimeout); // 20 s: examined again; a has answered nothing since 5 s

        Assert.Equal([new CancelRequest("request-1", CancelReason.Timeout)], sut.Sinks[a].Frames.OfType<CancelRequest>());
        Assert.Equal(["request-2", "request-1"], sut.RequestsSentTo(b));
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
