using Microsoft.Extensions.Time.Testing;
using RxRelay.Proxy.WorkerSockets;

namespace RxRelay.Proxy.Tests.Hardening;

/// <summary>The limiter keyed by caller address: one address's failures never block another's correct secret.</summary>
public sealed class AddressLimiterTests
{
    [Fact]
    public void RecordFailure_AttackerAddressBlocked_OtherAddressNot()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var sut = new AuthRateLimiter(time);
        for (var i = 0; i < 100; i++)
        {
            sut.RecordFailure("127.0.0.2");
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.True(sut.IsBlocked("127.0.0.2"));
        Assert.False(sut.IsBlocked("127.0.0.1"));
    }
}
