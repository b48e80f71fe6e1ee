using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;
using RxRelay.Testing.Logging;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// Ejection never leaves a model without a worker (docs/protocol.md#outlier-ejection): when the last
/// healthy peer leaves, ejected workers for its models are reinstated at once, keeping their count.
/// </summary>
public sealed class DispatchCoreOutlierReinstateTests
{
    private static readonly TimeSpan FirstEventTimeout = TimeSpan.FromSeconds(10);

    private static CoreHarness CreateSut() => new(new DispatchOptions { QueueTimeout = null });

    /// <summary>
    /// <c>a</c> (max 8) never answers request-1; <c>b</c> (max 1) started request-2. After the timeout
    /// <c>a</c> is ejected and request-1, cancelled there, waits in the queue because <c>b</c> is full.
    /// </summary>
    private static (string A, string B) EjectedBesideFullPeer(CoreHarness sut)
    {
        var a = sut.Register("a", ["m"], max: 8);
        var b = sut.Register("b", ["m"], max: 1);
        sut.Submit("m", streaming: true);
        sut.Submit("m", streaming: true);
        sut.Core.OnChunk(b, "request-2", "data: b\n\n");
        sut.Time.Advance(FirstEventTimeout);
        Assert.Equal(["request-1"], sut.Core.QueuedIds());
        return (a, b);
    }

    private static List<string> FramesAfterAck(CoreHarness sut, string workerId) =>
        sut.Sinks[workerId].AfterAck.Select(frame => frame switch
        {
            WorkerRequest request => "request " + request.RequestId,
            CancelRequest cancel => "cancel " + cancel.RequestId + " " + cancel.Reason.Value,
            _ => frame.GetType().Name,
        }).ToList();

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void OnWorkerGone_LastHealthyPeerLeaves_EjectedWorkerTakesQueuedRequestAtOnce()
    {
        using var sut = CreateSut();
        var (a, b) = EjectedBesideFullPeer(sut);

        sut.Core.OnWorkerGone(b);

        // a never answered the cancel, so request-1 runs there again under a fresh id
        Assert.Equal(["request request-1", "cancel request-1 timeout", "request request-3"], FramesAfterAck(sut, a));
        Assert.Equal(["request-3"], sut.Core.InFlightOf(a));
        Assert.Empty(sut.Core.QueuedIds());
        Assert.Equal(
            [new RequestEvent.Chunk("data: b\n\n"), CoreHarness.Failed(DispatchFailureKind.WorkerDisconnectedMidStream)],
            sut.Events("request-2"));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void OnModelsUpdate_LastHealthyPeerDropsModel_EjectedWorkerTakesQueuedRequestAtOnce()
    {
        using var sut = CreateSut();
        var (a, b) = EjectedBesideFullPeer(sut);

        sut.Core.OnModelsUpdate(b, ["other"], 1);

        Assert.Equal(["request request-1", "cancel request-1 timeout", "request request-3"], FramesAfterAck(sut, a));
        Assert.Empty(sut.Core.QueuedIds());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void OnWorkerGone_AnotherHealthyPeerLeft_EjectedWorkerStaysOut()
    {
        using var sut = CreateSut();
        var (a, b) = EjectedBesideFullPeer(sut);
        var c = sut.Register("c", ["m"], max: 1); // takes request-1 from the queue

        sut.Core.OnWorkerGone(b);
        sut.Submit("m", streaming: true);

        Assert.Equal(["request request-1", "cancel request-1 timeout"], FramesAfterAck(sut, a));
        Assert.Equal(["request-1"], sut.Core.InFlightOf(c));
        Assert.Equal(["request-3"], sut.Core.QueuedIds());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_ReinstatedWorkerAloneStaysStuck_NotEjectedAgain()
    {
        using var sut = CreateSut();
        var (a, b) = EjectedBesideFullPeer(sut);
        sut.Core.OnWorkerGone(b);

        sut.Time.Advance(FirstEventTimeout * 3);
        sut.Submit("m", streaming: true);

        Assert.Equal(
            ["request request-1", "cancel request-1 timeout", "request request-3", "request request-4"],
            FramesAfterAck(sut, a));
        Assert.Equal(["request-3", "request-4"], sut.Core.InFlightOf(a));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_ReinstatedWorkerStuckBesideNewHealthyPeer_EjectedAgainForTwiceTheBase()
    {
        using var sut = CreateSut();
        var (a, b) = EjectedBesideFullPeer(sut);
        sut.Core.OnWorkerGone(b); // request-1 back on a, as request-3 (a still owes its first attempt's frames)
        var c = sut.Register("c", ["m"], max: 1);

        sut.Time.Advance(FirstEventTimeout); // a ejected again; request-1 moves to c, keeping its wire id
        sut.Submit("m", streaming: true);
        Assert.Equal(["request-3"], sut.Core.InFlightOf(c));
        Assert.Equal(["request-4"], sut.Core.QueuedIds());
        sut.Time.Advance(TimeSpan.FromSeconds(60) - TimeSpan.FromTicks(1));
        Assert.Equal(["request-4"], sut.Core.QueuedIds());
        sut.Time.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(
            ["request request-1", "cancel request-1 timeout", "request request-3", "cancel request-3 timeout", "request request-4"],
            FramesAfterAck(sut, a));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void FirstEventTimeout_StuckWorkerAloneForAnotherModel_NotEjected()
    {
        using var sut = CreateSut();
        var a = sut.Register("a", ["m", "solo"], max: 8);
        var b = sut.Register("b", ["m"], max: 8);
        sut.Submit("m", streaming: true);
        sut.Submit("m", streaming: true);
        sut.Core.OnChunk(b, "request-2", "data: b\n\n");

        sut.Time.Advance(FirstEventTimeout);
        sut.Submit("solo", streaming: true);

        Assert.Equal(["request request-1", "request request-3"], FramesAfterAck(sut, a));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void Reinstatement_Logged_OneInformationLineWithWorkerAndReason()
    {
        var logger = new FakeLogger();
        var time = new FakeTimeProvider();
        using var core = new DispatchCore(new DispatchOptions(), time, a => a(), logger);
        core.RegisterWorker("openai", "a", ["m"], 8, 0, null, new RecordingFrameSink());
        core.RegisterWorker("openai", "b", ["m"], 8, 0, null, new RecordingFrameSink());
        for (var i = 0; i < 2; i++)
            core.Submit(new SubmitRequest("openai", "m", "/v1/chat/completions", true, "{}", new Dictionary<string, string>()));
        core.OnChunk("worker-2", "request-2", "b");
        time.Advance(FirstEventTimeout);

        core.OnWorkerGone("worker-2");

        Assert.Equal(
            [
                new LogLine(LogLevel.Information, 402, "worker worker-1 (provider openai) reinstated before its ejection ended: no healthy peer left"),
                new LogLine(LogLevel.Information, 404, "request-1 retried as request-3: its worker still owes frames of a cancelled earlier attempt"),
            ],
            logger.Lines.Skip(1));
        Assert.Equal(3, logger.Lines.Count);
    }
}
