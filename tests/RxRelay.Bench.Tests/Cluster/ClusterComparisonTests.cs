using RxRelay.Bench.Cluster;
using RxRelay.Bench.Report;

namespace RxRelay.Bench.Tests.Cluster;

public sealed class ClusterComparisonTests
{
    private static CellResult Round(string mode, double rps, double p50, double p99, double? ttfb = null, double cpu = 0) => new()
    {
        Target = mode,
        Workload = ttfb is null ? "chat" : "stream200",
        Concurrency = 16,
        DurationS = 2,
        Requests = (int)(rps * 2),
        RequestsPerSec = rps,
        LatencyP50Ms = p50,
        LatencyP90Ms = p50,
        LatencyP99Ms = p99,
        TtfbP50Ms = ttfb,
        TtfbP99Ms = ttfb * 2,
        Errors = 0,
        CpuUsPerRequest = new Dictionary<string, double> { ["proxy-b"] = cpu, ["worker-b"] = 100 },
    };

    [Theory]
    [InlineData(new[] { 3.0, 1.0, 2.0 }, 2.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    [InlineData(new[] { 7.0 }, 7.0)]
    public void Median_OddAndEvenCounts(double[] values, double expected)
        => Assert.Equal(expected, ClusterComparison.Median(values));

    [Fact]
    public void Median_NoValues_IsNaN()
        => Assert.True(double.IsNaN(ClusterComparison.Median([])));

    [Fact]
    public void Of_PairsRoundByRound_CostIsTheMedianOfThePairs_NotTheDifferenceOfMedians()
    {
        // Round 2 is a noisy moment for both modes; pairing keeps it from skewing the cost.
        var local = new[] { Round("local", 1000, 1.0, 4.0), Round("local", 400, 5.0, 20.0), Round("local", 1100, 0.9, 3.0) };
        var forwarded = new[] { Round("forwarded", 800, 1.5, 5.0), Round("forwarded", 200, 9.0, 40.0), Round("forwarded", 880, 1.3, 4.5) };

        var comparison = ClusterComparison.Of(local, forwarded);

        Assert.Equal(("chat", 16), (comparison.Workload, comparison.Concurrency));
        Assert.Equal(0.8, comparison.RequestsPerSecRatio, 12); // pairs: 0.8, 0.5, 0.8
        Assert.Equal(0.5, comparison.AddedP50Ms, 12); // pairs: 0.5, 4.0, 0.4
        Assert.Equal(1.5, comparison.AddedP99Ms, 12); // pairs: 1.0, 20.0, 1.5
        Assert.Null(comparison.AddedTtfbP50Ms);
        Assert.Equal(1000, comparison.Local.RequestsPerSec);
        Assert.Equal(800, comparison.Forwarded.RequestsPerSec);
        Assert.Equal(1.5, comparison.Forwarded.LatencyP50Ms); // 1.5, 9.0, 1.3
        Assert.Equal([1000.0, 400.0, 1100.0], comparison.Local.RoundsRequestsPerSec);
        Assert.Equal(5000, comparison.Local.Requests);
    }

    [Fact]
    public void Of_Streams_TtfbCostAndCpuPerRequest()
    {
        var local = new[] { Round("local", 100, 10, 20, ttfb: 2.0, cpu: 300), Round("local", 90, 11, 22, ttfb: 2.5, cpu: 500) };
        var forwarded = new[] { Round("forwarded", 80, 12, 25, ttfb: 3.0, cpu: 700), Round("forwarded", 70, 14, 30, ttfb: 4.5, cpu: 900) };

        var comparison = ClusterComparison.Of(local, forwarded);

        Assert.Equal(1.5, comparison.AddedTtfbP50Ms!.Value, 12); // pairs: 1.0, 2.0
        Assert.Equal(3.75, comparison.Forwarded.TtfbP50Ms!.Value, 12);
        Assert.Equal(7.5, comparison.Forwarded.TtfbP99Ms!.Value, 12);
        Assert.Equal(500, comparison.Local.CpuUsPerRequest); // totals 400 and 600
        Assert.Equal(900, comparison.Forwarded.CpuUsPerRequest); // totals 800 and 1000
    }

    [Fact]
    public void Of_UnpairedRounds_IsAnError()
    {
        var error = Assert.Throws<ArgumentException>(() => ClusterComparison.Of([Round("local", 1, 1, 1)], []));

        Assert.Equal("need as many forwarded rounds as local ones, at least one (got 1 and 0)", error.Message);
    }
}
