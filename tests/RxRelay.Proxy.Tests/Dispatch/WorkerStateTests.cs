using RxRelay.Protocol.Messages;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Tests.Dispatch;

/// <summary>How long a worker's cancelled requests are remembered (their late frames are dropped, not protocol errors).</summary>
public sealed class WorkerStateTests
{
    [Theory]
    [InlineData(1u, 1024)]
    [InlineData(512u, 1024)]
    [InlineData(2500u, 5000)]
    public void RememberCancelled_KeepsTwoPerSlotAndAtLeast1024_ThenForgetsTheOldest(uint slots, int kept)
    {
        var sut = new WorkerState(1, "local", "w", slots, new NullSink());

        for (var i = 0; i <= kept; i++)
        {
            sut.RememberCancelled($"request-{i}");
        }

        Assert.False(sut.WasCancelled("request-0"));
        Assert.True(sut.WasCancelled("request-1"));
        Assert.True(sut.WasCancelled($"request-{kept}"));
    }

    private sealed class NullSink : IWorkerFrameSink
    {
        public bool TrySend(ProxyMessage message) => true;

        public void Close(ushort code, string reason)
        {
        }
    }
}
