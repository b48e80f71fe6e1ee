using System.Globalization;
using System.Text;
using RxRelay.Bench.Cores;

namespace RxRelay.Bench.Report;

/// <summary>
/// The <c>--cpus</c> part of the report: how the cores were split, what each process got (read back from /proc),
/// and requests/s per core of the system under test. Without <c>--cpus</c>, one line saying the run was unpinned.
/// </summary>
internal static class CoresTable
{
    public static void Append(StringBuilder text, CpuPlan? plan, IReadOnlyList<CellResult> cells, IReadOnlyList<PinnedProcess> pinned)
    {
        if (plan is null)
        {
            text.AppendLine("req/s per core of the system under test: unpinned (no --cpus)");
            return;
        }

        AppendSplit(text, plan, pinned);
        text.AppendLine();
        text.AppendLine("| target | workload | conc | req/s | system-under-test cores | req/s per core |");
        text.AppendLine("| --- | --- | ---: | ---: | --- | ---: |");
        foreach (var c in cells)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Target} | {c.Workload} | {c.Concurrency} | {c.RequestsPerSec:0} | {c.SutCores} ({plan.SutOf(c.Target).Count}) | {c.RequestsPerSecPerSutCore:0} |");
        }
    }

    /// <summary>How the cores were split, then one line per process with what its threads got (the streams cell's report too).</summary>
    public static void AppendSplit(StringBuilder text, CpuPlan plan, IReadOnlyList<PinnedProcess> pinned)
    {
        text.AppendLine("cores (Cpus_allowed_list of every thread, read back from /proc):");
        foreach (var line in plan.Describe().Concat(pinned.Select(p => "  " + p)))
        {
            text.AppendLine(line);
        }
    }
}
