using RxRelay.Bench.Report;

namespace RxRelay.Bench.Tests.Cores;

public sealed class WorkerFoldTests
{
    [Fact]
    public void Cpu_OneWorker_AsBefore()
        => Assert.Equal(
            "proxy 24, worker 23, echo-backend 18, load-generator 16",
            WorkerFold.Cpu(new Dictionary<string, double> { ["rxrelay-proxy"] = 24, ["rxrelay-worker"] = 23, ["echo-backend"] = 18, ["load-generator"] = 16 }));

    [Fact]
    public void Cpu_NumberedWorkers_SummedWithAverageAndRange_WhereTheFirstWas()
        => Assert.Equal(
            "proxy 24, workers (3) 90 (per worker 30, 20–40), echo-backend 18",
            WorkerFold.Cpu(new Dictionary<string, double>
            {
                ["rxrelay-proxy"] = 24, ["rxrelay-worker-1"] = 20, ["rxrelay-worker-2"] = 30, ["rxrelay-worker-3"] = 40, ["echo-backend"] = 18,
            }));

    [Fact]
    public void Rss_NumberedWorkers_TheLargestPeak()
        => Assert.Equal(
            "proxy 98, workers (2) max 110",
            WorkerFold.Rss(new Dictionary<string, double> { ["rxrelay-proxy"] = 98, ["rxrelay-worker-1"] = 101, ["rxrelay-worker-2"] = 110 }));
}
