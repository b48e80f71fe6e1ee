namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>Dispatch cost depends on compatible workers/requests only, not on everything connected.</summary>
public sealed class DispatchCoreModelIndexTests
{
    private static CoreHarness CreateSut() => new(new DispatchOptions { MaxQueueLength = null });

    [Fact]
    public void Submit_TenThousandWorkersOfOtherModels_VisitsOnlyTheCompatibleWorker()
    {
        using var sut = CreateSut();
        for (var i = 0; i < 10_000; i++) sut.Register("other-" + i, ["other-" + (i % 50)], max: 4);
        var target = sut.Register("target", ["model-x"]);
        var before = sut.Core.SelectionVisits;

        sut.Submit("model-x");

        Assert.Equal(1, sut.Core.SelectionVisits - before);
        Assert.Equal(["request-1"], sut.RequestsSentTo(target));
    }

    [Fact]
    public void Submit_UnservedModelAmongTenThousandWorkers_VisitsNobodyBeforeQueueing()
    {
        using var sut = CreateSut();
        for (var i = 0; i < 10_000; i++) sut.Register("other-" + i, ["other"], max: 4);
        var before = sut.Core.SelectionVisits;

        sut.Submit("model-x");

        Assert.Equal(0, sut.Core.SelectionVisits - before);
        Assert.Equal(["request-1"], sut.Core.QueuedIds());
    }

    [Fact]
    public void OnComplete_TenThousandQueuedRequestsForOtherModels_PullLooksAtItsOwnModelOnly()
    {
        using var sut = CreateSut();
        var worker = sut.Register("target", ["model-x"]);
        sut.Submit("model-x");
        for (var i = 0; i < 10_000; i++) sut.Submit("other-" + (i % 100));
        sut.Submit("model-x");
        var before = sut.Core.QueueVisits;

        sut.Complete(worker, "request-1");

        // One EarliestFor call: 1 visit for the call + 1 for the worker's single model set.
        Assert.Equal(2, sut.Core.QueueVisits - before);
        Assert.Equal(["request-1", "request-10002"], sut.RequestsSentTo(worker));
    }
}
