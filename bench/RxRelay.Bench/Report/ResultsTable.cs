using System.Globalization;
using System.Text;
using RxRelay.Bench.Cores;
using RxRelay.Bench.Load;
using RxRelay.Bench.Scale;

namespace RxRelay.Bench.Report;

/// <summary>The human-readable report: load cells, scale steps, targets. Markdown tables, so the output pastes into docs as is.</summary>
internal static class ResultsTable
{
    public static string Render(
        MachineInfo machine, BenchOptions options, IReadOnlyList<CellResult> cells, IReadOnlyList<ScaleStep> scale,
        IReadOnlyList<TargetCheck> targets, IReadOnlyList<string> notes, IReadOnlyList<PinnedProcess> pinned)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"machine: {machine}");
        text.AppendLine(CultureInfo.InvariantCulture, $"cells: closed loop, {options.Warmup.TotalSeconds:0.#} s warm-up + {options.Duration.TotalSeconds:0.#} s measured, targets interleaved per cell, {options.Rounds} round(s), median-throughput round shown; percentiles: {Percentiles.Method}");
        text.AppendLine("latency = request sent to last body byte read; TTFB = request sent to first body byte read; ratios = RxRelay / baseline");
        text.AppendLine();
        AppendCells(text, cells);
        text.AppendLine();
        CoresTable.Append(text, options.Cpus, cells, pinned);
        if (scale.Count > 0)
        {
            text.AppendLine();
            AppendScale(text, scale);
        }

        text.AppendLine();
        text.AppendLine("| target | measured | verdict |");
        text.AppendLine("| --- | --- | --- |");
        foreach (var t in targets)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {t.Target} | {t.Measured} | {t.Verdict} |");
        }

        foreach (var note in notes)
        {
            text.AppendLine().Append("NOTE: ").AppendLine(note);
        }

        return text.ToString();
    }

    private static void AppendCells(StringBuilder text, IReadOnlyList<CellResult> cells)
    {
        text.AppendLine("| target | workload | conc | req/s | p50 ms | p90 ms | p99 ms | TTFB p50 | TTFB p99 | chunks/s | errors | peak RSS MiB | req/s vs direct | req/s vs YARP | p50 vs direct | p50 vs YARP |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |");
        foreach (var c in cells)
        {
            var rss = c.PeakRssMiB.Count == 0 ? "-" : WorkerFold.Rss(c.PeakRssMiB);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Target} | {c.Workload} | {c.Concurrency} | {c.RequestsPerSec:0} | {Ms(c.LatencyP50Ms)} | {Ms(c.LatencyP90Ms)} | {Ms(c.LatencyP99Ms)} | {Ms(c.TtfbP50Ms)} | {Ms(c.TtfbP99Ms)} | {Num(c.ChunksPerSec)} | {c.Errors} | {rss} | {X(c.VsDirect?.RequestsPerSec)} | {X(c.VsYarp?.RequestsPerSec)} | {X(c.VsDirect?.LatencyP50)} | {X(c.VsYarp?.LatencyP50)} |");
        }

        text.AppendLine();
        text.AppendLine("CPU time per request (µs, warm-up included; user + system from /proc/<pid>/stat):");
        text.AppendLine();
        text.AppendLine("| target | workload | conc | CPU µs per request by process |");
        text.AppendLine("| --- | --- | ---: | --- |");
        foreach (var c in cells)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Target} | {c.Workload} | {c.Concurrency} | {WorkerFold.Cpu(c.CpuUsPerRequest)} (total {c.CpuUsPerRequest.Values.Sum():0}) |");
        }

        if (cells.Any(c => c.RoundsRequestsPerSec.Count > 1))
        {
            text.AppendLine();
            text.AppendLine("req/s of every round:");
            foreach (var c in cells)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {c.Target}/{c.Workload}/c{c.Concurrency}: {string.Join(", ", c.RoundsRequestsPerSec.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}");
            }
        }

        foreach (var c in cells.Where(c => c.Errors > 0))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"errors in {c.Target}/{c.Workload}/c{c.Concurrency}: {string.Join(" | ", c.ErrorSamples)}");
        }
    }

    private static void AppendScale(StringBuilder text, IReadOnlyList<ScaleStep> scale)
    {
        text.AppendLine("| idle workers | connect s | proxy RSS MiB | RSS per worker KiB | probe requests | p50 ms | p99 ms | p50 of every round | errors |");
        text.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
        foreach (var s in scale)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.IdleWorkers} | {s.ConnectSeconds:0.0} | {s.ProxyRssMiB:0} | {Num(s.ProxyRssPerWorkerKiB)} | {s.Requests} | {Ms(s.LatencyP50Ms)} | {Ms(s.LatencyP99Ms)} | {string.Join(", ", s.RoundsP50Ms.Select(r => Ms(r)))} | {s.Errors} |");
        }

        foreach (var s in scale.Where(s => s.Errors > 0))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"errors at {s.IdleWorkers} idle workers: {string.Join(" | ", s.ErrorSamples)}");
        }
    }

    private static string Ms(double? ms) => ms is { } v && !double.IsNaN(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Num(double? value) => value is { } v && !double.IsNaN(v) ? v.ToString("N0", CultureInfo.InvariantCulture) : "-";

    private static string X(double? ratio) => ratio is { } v && !double.IsNaN(v) ? v.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-";
}
