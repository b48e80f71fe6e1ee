using RxRelay.Bench.Streams;

namespace RxRelay.Bench.Tests.Streams;

public sealed class StreamOptionsTests
{
    [Fact]
    public void Streams_NotGiven_NoStreamsCell_DefaultsAsDocumented()
    {
        var streams = BenchOptions.Parse([]).Streams;

        Assert.Equal((false, 20, 250, 5000, 4), (streams.Enabled, streams.Tokens, streams.DelayMs, streams.RampPerSecond, streams.Workers));
        Assert.Equal(TimeSpan.FromSeconds(5), streams.StreamTime);
    }

    [Fact]
    public void Streams_SizesAndKnobs_AreParsed_AndWorkersShareTheLargestSize()
    {
        var streams = BenchOptions.Parse(
            ["--streams", "2000, 10001", "--stream-tokens", "5", "--stream-delay-ms", "100", "--stream-ramp", "1000", "--workers", "8"]).Streams;

        Assert.Equal([2000, 10001], streams.Sizes);
        Assert.Equal((5, 100, 1000, 8), (streams.Tokens, streams.DelayMs, streams.RampPerSecond, streams.Workers));
        Assert.Equal(1251, streams.ConcurrencyPerWorker);
    }

    [Theory]
    [InlineData("--streams", "0", "error: --streams: '0' is not a positive integer")]
    [InlineData("--workers", "-1", "error: --workers: '-1' is not a positive integer")]
    public void Streams_BadValue_IsAnErrorNamingTheFlag(string flag, string value, string error)
        => Assert.Equal(error, BenchOptions.Parse([flag, value]).Error);

    [Fact]
    public void Streams_WithCluster_IsAnError()
        => Assert.Equal("error: --streams excludes --cluster and --micro", BenchOptions.Parse(["--streams", "10", "--cluster"]).Error);
}
