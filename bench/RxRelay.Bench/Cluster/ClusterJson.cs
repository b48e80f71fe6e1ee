using RxRelay.Bench.Load;
using RxRelay.Bench.Report;

namespace RxRelay.Bench.Cluster;

/// <summary>Writes the cluster cell's results (default <c>artifacts/bench/cluster.json</c>): machine, method, one object per cell.</summary>
internal static class ClusterJson
{
    public static async Task WriteAsync(
        string path, MachineInfo machine, BenchOptions options, IReadOnlyList<ClusterComparison> comparisons, IReadOnlyList<string> notes,
        CancellationToken cancellationToken)
    {
        var document = new
        {
            Machine = machine,
            WarmupS = options.Warmup.TotalSeconds,
            DurationS = options.Duration.TotalSeconds,
            options.Rounds,
            PercentileMethod = Percentiles.Method,
            Cells = comparisons,
            Notes = notes,
        };
        await BenchJson.WriteAsync(path, document, cancellationToken).ConfigureAwait(false);
    }
}
