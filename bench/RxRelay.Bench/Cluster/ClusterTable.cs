using System.Globalization;
using System.Text;
using RxRelay.Bench.Load;
using RxRelay.Bench.Report;

namespace RxRelay.Bench.Cluster;

/// <summary>The cluster cell's report: both modes per cell, then the cost of forwarding. Markdown, as the main report.</summary>
internal static class ClusterTable
{
    public static string Render(MachineInfo machine, BenchOptions options, IReadOnlyList<ClusterComparison> comparisons, IReadOnlyList<string> notes)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"machine: {machine}");
        text.AppendLine(CultureInfo.InvariantCulture, $"cluster cell: closed loop, {options.Warmup.TotalSeconds:0.#} s warm-up + {options.Duration.TotalSeconds:0.#} s measured, local and forwarded alternated per cell, {options.Rounds} round(s); every figure is the median over rounds; percentiles: {Percentiles.Method}");
        text.AppendLine($"local = client -> replica {ClusterReplicas.ServingId} -> its worker; forwarded = client -> replica {ClusterReplicas.ForwardingId} (no worker) -> peer listener of {ClusterReplicas.ServingId} -> its worker; one PostgreSQL directory");
        text.AppendLine("latency = request sent to last body byte read; TTFB = to first body byte; CPU = user + system of every process in the path, echo backend and load generator, per request");
        text.AppendLine();
        text.AppendLine("| workload | conc | mode | req/s | p50 ms | p99 ms | TTFB p50 | TTFB p99 | CPU µs/req | requests | errors | req/s of every round |");
        text.AppendLine("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var c in comparisons)
        {
            Row(text, c, ClusterCells.Local, c.Local);
            Row(text, c, ClusterCells.Forwarded, c.Forwarded);
        }

        text.AppendLine();
        text.AppendLine("Cost of forwarding (median over rounds of forwarded minus, or over, the local round measured just before it):");
        text.AppendLine();
        text.AppendLine("| workload | conc | req/s forwarded / local | added p50 ms | added p99 ms | added TTFB p50 ms |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var c in comparisons)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Workload} | {c.Concurrency} | {Format(c.RequestsPerSecRatio, "0.00")}x | {Signed(c.AddedP50Ms)} | {Signed(c.AddedP99Ms)} | {Signed(c.AddedTtfbP50Ms)} |");
        }

        foreach (var note in notes)
        {
            text.AppendLine().Append("NOTE: ").AppendLine(note);
        }

        return text.ToString();
    }

    private static void Row(StringBuilder text, ClusterComparison c, string mode, ModeSummary m) =>
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {c.Workload} | {c.Concurrency} | {mode} | {Format(m.RequestsPerSec, "0")} | {Format(m.LatencyP50Ms, "0.000")} | {Format(m.LatencyP99Ms, "0.000")} | {Format(m.TtfbP50Ms, "0.000")} | {Format(m.TtfbP99Ms, "0.000")} | {Format(m.CpuUsPerRequest, "0")} | {m.Requests} | {m.Errors} | {string.Join(", ", m.RoundsRequestsPerSec.Select(r => Format(r, "0")))} |");

    internal static string Format(double? value, string format) =>
        value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    internal static string Signed(double? value) =>
        value is { } v && !double.IsNaN(v) ? v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : "-";
}
