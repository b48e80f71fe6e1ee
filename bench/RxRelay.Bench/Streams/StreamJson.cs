using RxRelay.Bench.Cores;
using RxRelay.Bench.Load;
using RxRelay.Bench.Report;

namespace RxRelay.Bench.Streams;

/// <summary>
/// Writes the streams cell's results (default <c>artifacts/bench/streams.json</c>): machine, settings, the cores of every
/// process with <c>--cpus</c> (as <c>results.json</c> has them), one object per cell.
/// </summary>
internal static class StreamJson
{
    public static async Task WriteAsync(
        string path, MachineInfo machine, StreamSettings settings, IReadOnlyList<StreamCellResult> cells, IReadOnlyList<string> notes,
        CoresReport? cpus, CancellationToken cancellationToken)
    {
        var document = new
        {
            Machine = machine,
            Settings = settings.ToString(),
            settings.Tokens,
            settings.DelayMs,
            settings.RampPerSecond,
            settings.Workers,
            Cpus = cpus,
            PercentileMethod = Percentiles.Method,
            Cells = cells,
            Checks = StreamChecks.Evaluate(cells),
            Notes = notes,
        };
        await BenchJson.WriteAsync(path, document, cancellationToken).ConfigureAwait(false);
    }
}
