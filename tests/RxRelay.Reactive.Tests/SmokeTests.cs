using System.Reactive.Linq;
using Microsoft.Reactive.Testing;

namespace RxRelay.Reactive.Tests;

public sealed class SmokeTests : ReactiveTest
{
    [Fact]
    public void Timeout_UnderTestScheduler_FiresInVirtualTime()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable<int>(OnNext(210, 1));
        var result = scheduler.Start(() => source.Timeout(TimeSpan.FromTicks(100), scheduler));
        Assert.Equal(2, result.Messages.Count);
        Assert.Equal(210, result.Messages[0].Time);
        Assert.Equal(310, result.Messages[1].Time);
    }
}
