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
