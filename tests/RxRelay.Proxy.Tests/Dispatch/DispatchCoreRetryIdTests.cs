using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;
using RxRelay.Testing.Logging;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// A retry never meets its old attempt (docs/protocol.md#requeue): a request moved off an ejected worker and sent
/// back to it while that worker still owes frames of the cancelled attempt runs there under a fresh wire id.
/// </summary>
public sealed class DispatchCoreRetryIdTests
{
    private static readonly TimeSpan FirstEventTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan BaseEjection = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>stuck</c> (max 8) started request-1 and never answers request-3; <c>healthy</c> (max 1) is full with
    /// request-2. After the first-event timeout stuck is ejected and request-3, cancelled there, waits in the queue.
    /// </summary>
    private static (CoreHarness Sut, string Stuck) Request3MovedOffStuck()
    {
        var sut = new CoreHarness(new DispatchOptions { QueueTimeout = null });
        var stuck = sut.Register("stuck", ["llama"], max: 8);
        var healthy = sut.Register("healthy", ["llama"], max: 1);
        sut.Submit("llama", streaming: true);
        sut.Core.OnChunk(stuck, "request-1", "a");
        sut.Submit("llama", streaming: true);
        sut.Core.OnChunk(healthy, "request-2", "b");
        sut.Submit("llama", streaming: true);
        sut.Time.Advance(FirstEventTimeout);
        Assert.Equal(["request-3"], sut.Core.QueuedIds());
        return (sut, stuck);
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void BackOnTheWorkerThatStillOwesTheCancelledAttempt_LateFramesOfTheOldAttemptNeverReachTheClient()
    {
        var (sut, stuck) = Request3MovedOffStuck();
        using var _ = sut;
        sut.Time.Advance(BaseEjection); // the ejection ends: stuck takes request-3 back, as request-4

        var oldAttempt = sut.Core.OnChunk(stuck, "request-3", "late chunk of the cancelled attempt");
        var newAttempt = sut.Core.OnChunk(stuck, "request-4", "first chunk of the retry");
        var oldEnd = sut.Complete(stuck, "request-3", 499, "");
        var newEnd = sut.Complete(stuck, "request-4", 200, "");

        Assert.Equal(
            [FrameVerdict.Dropped, FrameVerdict.Accepted, FrameVerdict.Dropped, FrameVerdict.Accepted],
            [oldAttempt, newAttempt, oldEnd, newEnd]);
        var events = sut.Events("request-3");
        Assert.Equal(2, events.Count);
        Assert.Equal(new RequestEvent.Chunk("first chunk of the retry"), events[0]);
        var completed = Assert.IsType<RequestEvent.Completed>(events[1]).Response;
        Assert.Equal(("request-4", (ushort)200), (completed.RequestId, completed.StatusCode));
        Assert.Equal(["request-1"], sut.Core.InFlightOf(stuck));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void WorkerAnsweredTheCancelledAttemptFirst_TakesTheRequestBackUnderItsOwnId()
    {
        var (sut, stuck) = Request3MovedOffStuck();
        using var _ = sut;

        var late = sut.Complete(stuck, "request-3", 499, ""); // the cancelled attempt ends: heals stuck, which pulls request-3
        var retried = sut.Core.OnChunk(stuck, "request-3", "first chunk of the retry");

        Assert.Equal((FrameVerdict.Dropped, FrameVerdict.Accepted), (late, retried));
        Assert.Equal(["request-1", "request-3", "request-3"], sut.RequestsSentTo(stuck));
        Assert.Equal([new RequestEvent.Chunk("first chunk of the retry")], sut.Events("request-3"));
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void EjectedAgainAndBackAgain_EachAttemptHasItsOwnIdAndOnlyTheLastOnesFramesCount()
    {
        var (sut, stuck) = Request3MovedOffStuck();
        using var _ = sut;
        sut.Time.Advance(BaseEjection); // request-3 back on stuck as request-4, never answered
        sut.Time.Advance(FirstEventTimeout); // ejected again (60 s), request-3 queued again
        sut.Time.Advance(BaseEjection * 2); // back again, as request-5

        var verdicts = new[]
        {
            sut.Core.OnChunk(stuck, "request-3", "x"), sut.Core.OnChunk(stuck, "request-4", "y"),
            sut.Core.OnChunk(stuck, "request-5", "z"),
        };

        Assert.Equal(["request-1", "request-3", "request-4", "request-5"], sut.RequestsSentTo(stuck));
        Assert.Equal(
            [new CancelRequest("request-3", CancelReason.Timeout), new CancelRequest("request-4", CancelReason.Timeout)],
            sut.Sinks[stuck].Frames.OfType<CancelRequest>());
        Assert.Equal([FrameVerdict.Dropped, FrameVerdict.Dropped, FrameVerdict.Accepted], verdicts);
        Assert.Equal([new RequestEvent.Chunk("z")], sut.Events("request-3"));
        Assert.Empty(sut.Sinks[stuck].Closes);
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void CancelOfTheRetriedRequest_SentUnderItsFreshIdAndLateFramesOfBothAttemptsDropped()
    {
        var (sut, stuck) = Request3MovedOffStuck();
        using var _ = sut;
        sut.Time.Advance(BaseEjection); // request-3 runs on stuck again as request-4

        Assert.True(sut.Core.Cancel("request-3", CancelReason.ClientDisconnect));
        var verdicts = new[]
        {
            sut.Core.OnChunk(stuck, "request-3", "x"), sut.Core.OnChunk(stuck, "request-4", "y"),
            sut.Complete(stuck, "request-4", 499, ""), sut.Complete(stuck, "request-3", 499, ""),
        };

        Assert.Equal(new CancelRequest("request-4", CancelReason.ClientDisconnect), sut.Sinks[stuck].Frames[^1]);
        Assert.All(verdicts, verdict => Assert.Equal(FrameVerdict.Dropped, verdict));
        Assert.Equal([CoreHarness.Failed(DispatchFailureKind.Canceled)], sut.Events("request-3"));
        Assert.Empty(sut.Sinks[stuck].Closes);
    }
}
