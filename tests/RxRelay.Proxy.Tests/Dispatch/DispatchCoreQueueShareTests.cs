using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>
/// Requests for models no connected worker serves get their own bounded share of the queue
/// (docs/protocol.md#queue), so they cannot starve the models that are served.
/// </summary>
public sealed class DispatchCoreQueueShareTests
{
    // MaxQueueLength 8 → the unserved share is ceil(8 × 25 %) = 2.
    private static CoreHarness CreateSut() => new(new DispatchOptions { MaxQueueLength = 8 });

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void Submit_UnservedFloodBeforeServedRequests_ServedStillGetTheWholeQueue()
    {
        using var sut = CreateSut();
        sut.Register("a", ["llama"]);
        sut.Submit("llama"); // request-1 in flight

        var flood = Enumerable.Range(0, 8).Select(i => sut.Submit("ghost-" + i).Rejection?.Kind).ToList();
        var served = Enumerable.Range(0, 8).Select(_ => sut.Submit("llama").Rejection?.Kind).ToList();
        var ninth = sut.Submit("llama");

        DispatchFailureKind?[] expectedFlood = [null, null, .. Enumerable.Repeat<DispatchFailureKind?>(DispatchFailureKind.NoWorkersAvailable, 6)];
        Assert.Equal(expectedFlood, flood);
        Assert.Equal(Enumerable.Repeat<DispatchFailureKind?>(null, 8), served);
        Assert.Equal(DispatchFailure.Of(DispatchFailureKind.QueueFull), ninth.Rejection);
        Assert.Equal(10, sut.Core.QueuedCount);
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void Submit_QueueFullOfServedRequests_UnservedRejectedWithoutTakingTheirRoom()
    {
        using var sut = CreateSut();
        sut.Register("a", ["llama"]);
        for (var i = 0; i < 9; i++) sut.Submit("llama"); // 1 in flight, 8 queued

        var unserved = sut.Submit("ghost");

        Assert.Equal(DispatchFailure.Of(DispatchFailureKind.NoWorkersAvailable), unserved.Rejection);
        Assert.Equal(8, sut.Core.QueuedCount);
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void RegisterWorker_ModelOfQueuedUnservedRequests_TheyCountAsServedFromThen()
    {
        using var sut = CreateSut();
        sut.Submit("ghost");
        sut.Submit("ghost"); // the unserved share (2) is full
        sut.Register("busy", ["ghost"], max: 1, load: 1); // serves ghost but has no room

        var other = sut.Submit("phantom-1");
        var another = sut.Submit("phantom-2");
        var third = sut.Submit("phantom-3");

        Assert.Equal((null, null), (other.Rejection, another.Rejection));
        Assert.Equal(DispatchFailure.Of(DispatchFailureKind.NoWorkersAvailable), third.Rejection);
        Assert.Equal(["request-1", "request-2", "request-3", "request-4"], sut.Core.QueuedIds());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void OnWorkerGone_QueuedServedRequests_KeepTheirPlaceAndNewOnesGetTheUnservedShare()
    {
        using var sut = CreateSut();
        var w1 = sut.Register("a", ["llama"]);
        for (var i = 0; i < 4; i++) sut.Submit("llama"); // request-1 in flight, 2..4 queued

        sut.Core.OnWorkerGone(w1);
        var during = Enumerable.Range(0, 3).Select(_ => sut.Submit("llama").Rejection?.Kind).ToList();

        Assert.Equal([null, null, DispatchFailureKind.NoWorkersAvailable], during);
        Assert.Equal(["request-1", "request-2", "request-3", "request-4", "request-5", "request-6"], sut.Core.QueuedIds());
    }

    [Fact]
    [Trait(TestSource.Trait, TestSource.Improvement)]
    public void Submit_MaxQueueLengthOne_UnservedShareIsOne()
    {
        using var sut = new CoreHarness(new DispatchOptions { MaxQueueLength = 1 });

        var first = sut.Submit("ghost");
        var second = sut.Submit("ghost");

        Assert.Null(first.Rejection);
        Assert.Equal(DispatchFailure.Of(DispatchFailureKind.NoWorkersAvailable), second.Rejection);
    }
}
