using RxRelay.Proxy.Configuration;
using RxRelay.Proxy.Hosting;

namespace RxRelay.Proxy.Tests.Configuration;

/// <summary>Options built in code get the same duration bounds the command line enforces.</summary>
public sealed class ProxyOptionsDurationTests
{
    [Fact]
    public void Defaults_HaveNoDurationErrors()
        => Assert.Empty(new ProxyOptions().DurationErrors());

    [Fact]
    public void ExactlyTheMaximum_IsAccepted()
        => Assert.Empty(new ProxyOptions { QueueTimeout = TimeSpan.FromSeconds(4_000_000), RequestTimeout = TimeSpan.Zero }.DurationErrors());

    [Fact]
    public void OutOfRangeDurations_AreEachNamed()
    {
        var options = new ProxyOptions { QueueTimeout = TimeSpan.FromSeconds(4_000_001), ClientStallTimeout = TimeSpan.FromSeconds(-1) };

        Assert.Equal(
            [
                "QueueTimeout is 4000001 s; it must be between 0 and 4000000 s",
                "ClientStallTimeout is -1 s; it must be between 0 and 4000000 s",
            ],
            options.DurationErrors());
    }

    [Fact]
    public void Build_RefusesOutOfRangeOptions_BeforeAnythingStarts()
    {
        var options = new ProxyOptions { Listen = "127.0.0.1:0", HeartbeatInterval = TimeSpan.FromDays(100) };

        var error = Assert.Throws<ArgumentException>(() => ProxyApp.Build(options));

        Assert.Equal("HeartbeatInterval is 8640000 s; it must be between 0 and 4000000 s (Parameter 'options')", error.Message);
    }

    [Fact]
    public async Task Build_AcceptsValidOptions()
    {
        await using var app = ProxyApp.Build(new ProxyOptions { Listen = "127.0.0.1:0" });

        Assert.NotNull(app);
    }
}
