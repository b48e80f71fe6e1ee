using Microsoft.Extensions.Time.Testing;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Tests.WorkerSockets;

public sealed class AuthRateLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));

    private AuthRateLimiter CreateSut() => new(_time);

    private static void Fail(AuthRateLimiter sut, int times, string identity = "unknown-client")
    {
        for (var i = 0; i < times; i++)
        {
            sut.RecordFailure(identity);
        }
    }

    [Fact]
    public void IsBlocked_AfterThreeQuickFailures_ReturnsTrue()
    {
        var sut = CreateSut();
        Fail(sut, 2);
        Assert.False(sut.IsBlocked("unknown-client"));

        sut.RecordFailure("unknown-client");

        Assert.True(sut.IsBlocked("unknown-client"));
        Assert.False(sut.IsBlocked("198.51.100.24"));
    }

    [Fact]
    public void IsBlocked_AtExactly250MsAfterThirdFailure_IsOpenAgain()
    {
        var sut = CreateSut();
        Fail(sut, 3);

        _time.Advance(TimeSpan.FromMilliseconds(249));
        Assert.True(sut.IsBlocked("unknown-client"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(sut.IsBlocked("unknown-client"));
    }

    [Fact]
    public void RecordFailure_MoreThan250MsApart_RestartsTheCount()
    {
        var sut = CreateSut();
        Fail(sut, 2);
        _time.Advance(TimeSpan.FromMilliseconds(251));

        sut.RecordFailure("unknown-client");

        Assert.False(sut.IsBlocked("unknown-client"));
    }

    [Fact]
    public void RecordFailure_EachWithin250MsOfThePrevious_Blocks()
    {
        var sut = CreateSut();
        sut.RecordFailure("a");
        _time.Advance(TimeSpan.FromMilliseconds(250));
        sut.RecordFailure("a");
        _time.Advance(TimeSpan.FromMilliseconds(250));
        sut.RecordFailure("a");

        Assert.True(sut.IsBlocked("a"));
    }

    [Fact]
    public void RecordSuccess_AfterTwoFailures_ClearsTheCount()
    {
        var sut = CreateSut();
        Fail(sut, 2);

        sut.RecordSuccess("unknown-client");
        sut.RecordFailure("unknown-client");

        Assert.False(sut.IsBlocked("unknown-client"));
        Assert.Equal(1, sut.TrackedCount);
    }

    [Fact]
    public void IsBlocked_WhileBlocked_DoesNotExtendTheBlock()
    {
        var sut = CreateSut();
        Fail(sut, 3);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(sut.IsBlocked("unknown-client"));

        _time.Advance(TimeSpan.FromMilliseconds(50));

        Assert.False(sut.IsBlocked("unknown-client"));
    }

    [Fact]
    public void IsBlocked_StaleUnblockedEntry_IsDeleted()
    {
        var sut = CreateSut();
        sut.RecordFailure("a");
        _time.Advance(TimeSpan.FromMilliseconds(251));

        Assert.False(sut.IsBlocked("a"));

        Assert.Equal(0, sut.TrackedCount);
    }

    [Fact]
    public void RecordFailure_ManyRotatingIdentities_EvictsStaleEntries()
    {
        var sut = CreateSut();
        for (var i = 0; i < AuthRateLimiter.SweepThreshold; i++)
        {
            sut.RecordFailure($"10.0.{i / 256}.{i % 256}");
        }

        Assert.Equal(AuthRateLimiter.SweepThreshold, sut.TrackedCount);
        _time.Advance(TimeSpan.FromMilliseconds(251));

        sut.RecordFailure("fresh");

        Assert.Equal(1, sut.TrackedCount);
    }
}
