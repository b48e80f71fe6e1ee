using Microsoft.Extensions.Time.Testing;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Tests.Hardening;

public sealed class FailureLogThrottleTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UnixEpoch);

    private FailureLogThrottle CreateSut() => new(_time);

    [Fact]
    public void ShouldLog_ThousandFailuresInOneWindow_OneLineThenASummaryInTheNext()
    {
        var sut = CreateSut();
        var logged = Enumerable.Range(0, 1000).Count(_ => sut.ShouldLog("203.0.113.5", out string _, out int _));

        _time.Advance(FailureLogThrottle.Window);
        Assert.True(sut.ShouldLog("203.0.113.5", out var key, out var suppressed));

        Assert.Equal(1, logged);
        Assert.Equal(("203.0.113.5", 999), (key, suppressed));
    }

    [Fact]
    public void ShouldLog_DifferentAddresses_EachGetsItsLine()
    {
        var sut = CreateSut();

        Assert.True(sut.ShouldLog("203.0.113.5", out _, out _));
        Assert.True(sut.ShouldLog("203.0.113.6", out _, out _));
        Assert.False(sut.ShouldLog("203.0.113.5", out _, out _));
    }

    [Fact]
    public void ShouldLog_TableFull_NewKeysShareTheOverflowEntry()
    {
        var sut = CreateSut();
        for (var i = 0; i < FailureLogThrottle.MaxTracked; i++)
        {
            sut.ShouldLog($"k{i}", out _, out _);
        }

        Assert.True(sut.ShouldLog("late-1", out var first, out _));
        Assert.False(sut.ShouldLog("late-2", out _, out _));
        Assert.Equal(FailureLogThrottle.OverflowKey, first);
    }

    [Fact]
    public void ShouldLog_TableFullOfExpiredKeys_SweepsAndTracksTheNewKey()
    {
        var sut = CreateSut();
        for (var i = 0; i < FailureLogThrottle.MaxTracked; i++)
        {
            sut.ShouldLog($"k{i}", out _, out _);
        }

        _time.Advance(FailureLogThrottle.Window);

        Assert.True(sut.ShouldLog("late", out var key, out _));
        Assert.Equal("late", key);
    }
}
