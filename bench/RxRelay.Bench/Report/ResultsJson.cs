using RxRelay.Bench.Cores;
using RxRelay.Bench.Load;
using RxRelay.Bench.Scale;

namespace RxRelay.Bench.Report;

/// <summary>Writes <c>results.json</c>: machine, method, one object per cell (with its ratios), the scale steps and the target verdicts.</summary>
internal static class ResultsJson
{
    public static async Task WriteAsync(
        string path, MachineInfo machine, BenchOptions options, IReadOnlyList<CellResult> cells, IReadOnlyList<ScaleStep> scale,
        IReadOnlyList<TargetCheck> targets, IReadOnlyList<string> notes, IReadOnlyList<PinnedProcess> pinned, CancellationToken cancellationToken)
    {
        var document = new
        {
            Machine = machine,
            WarmupS = options.Warmup.TotalSeconds,
            DurationS = options.Duration.TotalSeconds,
            PercentileMethod = Percentiles.Method,
            Cpus = CoresReport.Of(options.Cpus, pinned),
            Workers = options.Workers,
            Cells = cells,
            Scale = scale,
            Targets = targets.Select(t => new { t.Target, t.Measured, t.Met }),
            Notes = notes,
        };
        await BenchJson.WriteAsync(path, document, cancellationToken).ConfigureAwait(false);
    }
}
