using System.Globalization;
using System.Text;
using RxRelay.Bench.Cores;
using RxRelay.Bench.Load;
using RxRelay.Bench.Report;

namespace RxRelay.Bench.Streams;

/// <summary>
/// The streams cell's Markdown report: one row per size and target, CPU and memory, the checks against YARP, and
/// with <c>--cpus</c> the split of the cores and what every process got.
/// </summary>
internal static class StreamTable
{
    public static string Render(MachineInfo machine, StreamSettings settings, IReadOnlyList<StreamCellResult> cells, IReadOnlyList<string> notes,
        CpuPlan? plan, IReadOnlyList<PinnedProcess> pinned)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"machine: {machine}");
        text.AppendLine(CultureInfo.InvariantCulture, $"streams cell: {settings}; percentiles: {Percentiles.Method}");
        text.AppendLine("TTFB = request written to first body byte read; duration = request written to the response's framed end; events = SSE data lines, [DONE] included");
        text.AppendLine();
        text.AppendLine("| streams | target | completed | events delivered / expected | errors | peak open | ramp s | TTFB p50 ms | TTFB p99 ms | duration p50 s | duration p99 s | events/s (ideal) |");
        text.AppendLine("| ---: | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var c in cells)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Streams} | {c.Target} | {c.Completed}/{c.Streams} | {c.Events:N0} / {c.ExpectedEvents:N0} | {c.Errors} | {c.PeakOpen} | {c.RampS:0.00} | {c.TtfbP50Ms:0.0} | {c.TtfbP99Ms:0.0} | {c.DurationP50Ms / 1000:0.000} | {c.DurationP99Ms / 1000:0.000} | {c.EventsPerSec:N0} ({c.IdealEventsPerSec:N0}) |");
        }

        text.AppendLine();
        text.AppendLine("CPU µs per delivered event, peak RSS MiB, deaths (load-generator cores = its CPU time ÷ wall time):");
        text.AppendLine();
        text.AppendLine("| streams | target | CPU µs per event by process | load-generator cores | peak RSS MiB | died |");
        text.AppendLine("| ---: | --- | --- | ---: | --- | --- |");
        foreach (var c in cells)
        {
            var cpu = string.Join(", ", c.CpuUsPerEvent.Select(p => $"{p.Key} {p.Value:0.0}"));
            var rss = string.Join(", ", c.PeakRssMiB.Select(p => $"{p.Key} {p.Value:0}"));
            var died = c.Died.Count == 0 ? "none" : string.Join("; ", c.Died.Select(d => d.Split('\n')[0]));
            text.AppendLine(CultureInfo.InvariantCulture, $"| {c.Streams} | {c.Target} | {cpu} | {c.GeneratorCores:0.00} | {rss} | {died} |");
        }

        var checks = StreamChecks.Evaluate(cells);
        if (checks.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| streams | check (issue 16) | measured | verdict |");
            text.AppendLine("| ---: | --- | --- | --- |");
            foreach (var check in checks)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {check.Streams} | {check.Target} | {check.Measured} | {check.Verdict} |");
            }
        }

        if (plan is not null)
        {
            text.AppendLine();
            CoresTable.AppendSplit(text, plan, pinned);
        }

        foreach (var note in notes)
        {
            text.AppendLine().Append("NOTE: ").AppendLine(note);
        }

        return text.ToString();
    }
}
