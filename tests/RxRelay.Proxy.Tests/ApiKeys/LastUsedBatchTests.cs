using RxRelay.Proxy.ApiKeys;

namespace RxRelay.Proxy.Tests.ApiKeys;

public sealed class LastUsedBatchTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Record_ManyUsesOfOneKey_KeepsOneEntry_TheLatest()
    {
        var sut = new LastUsedBatch();
        sut.Record("k", T0.AddSeconds(5));
        sut.Record("k", T0);
        sut.Record("k", T0.AddSeconds(3));

        Assert.Equal(1, sut.Count);
        Assert.Equal(T0.AddSeconds(5), sut.Pending("k"));
    }

    [Fact]
    public void Take_EmptiesTheBatch()
    {
        var sut = new LastUsedBatch();
        sut.Record("a", T0);
        sut.Record("b", T0.AddSeconds(1));

        var taken = sut.Take();

        Assert.Equal(new Dictionary<string, DateTimeOffset> { ["a"] = T0, ["b"] = T0.AddSeconds(1) }, taken);
        Assert.Equal(0, sut.Count);
        Assert.Null(sut.Pending("a"));
    }

    [Fact]
    public void Restore_AfterAFailedWrite_KeepsAUseRecordedMeanwhile()
    {
        var sut = new LastUsedBatch();
        sut.Record("a", T0);
        sut.Record("b", T0);
        var failed = sut.Take();
        sut.Record("a", T0.AddSeconds(9));

        sut.Restore(failed);

        Assert.Equal((T0.AddSeconds(9), T0), (sut.Pending("a"), sut.Pending("b")));
    }
}
