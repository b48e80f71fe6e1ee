using System.Globalization;
using System.Text.RegularExpressions;

namespace RxRelay.Bench.Report;

/// <summary>
/// With <c>--workers N</c> (N &gt; 1) a cell has one figure per worker process (<c>rxrelay-worker-1</c> …). The tables
/// fold them into one entry, <c>workers (N)</c>, so a row stays readable at N = 8: CPU per request as the sum over
/// the workers (what the worker tier costs per request, comparable with the one-worker figure and with the proxy's),
/// then the per-worker average and range (how evenly the proxy spread the load); memory as the largest worker's
/// peak. <c>results.json</c> keeps every worker's own figure.
/// </summary>
internal static partial class WorkerFold
{
    /// <summary>CPU µs per request by process, workers folded: <c>proxy 24, workers (4) 92 (per worker 23, 20–26), …</c>.</summary>
    public static string Cpu(IReadOnlyDictionary<string, double> byProcess) =>
        Fold(byProcess, workers => string.Create(
            CultureInfo.InvariantCulture, $"workers ({workers.Count}) {workers.Sum():0} (per worker {workers.Average():0}, {workers.Min():0}–{workers.Max():0})"));

    /// <summary>Peak RSS MiB by process, workers folded: <c>proxy 98, workers (4) max 105</c>.</summary>
    public static string Rss(IReadOnlyDictionary<string, double> byProcess) =>
        Fold(byProcess, workers => string.Create(CultureInfo.InvariantCulture, $"workers ({workers.Count}) max {workers.Max():0}"));

    private static string Fold(IReadOnlyDictionary<string, double> byProcess, Func<IReadOnlyList<double>, string> folded)
    {
        var workers = byProcess.Where(p => NumberedWorker().IsMatch(p.Key)).Select(p => p.Value).ToList();
        var parts = new List<string>();
        var workersAdded = false;
        foreach (var (name, value) in byProcess)
        {
            if (!NumberedWorker().IsMatch(name))
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{name.Replace("rxrelay-", "", StringComparison.Ordinal)} {value:0}"));
            }
            else if (!workersAdded)
            {
                parts.Add(folded(workers)); // where the first worker was
                workersAdded = true;
            }
        }

        return string.Join(", ", parts);
    }

    [GeneratedRegex(@"^rxrelay-worker-[0-9]+$")]
    private static partial Regex NumberedWorker();
}
