using RxRelay.Bench.Report;

namespace RxRelay.Bench.Cluster;

/// <summary>One mode (local or forwarded) of one cell over every round: the median of each figure on its own.</summary>
internal sealed record ModeSummary(
    double RequestsPerSec, double LatencyP50Ms, double LatencyP99Ms, double? TtfbP50Ms, double? TtfbP99Ms,
    double? CpuUsPerRequest, int Requests, int Errors, IReadOnlyList<double> RoundsRequestsPerSec)
{
    public static ModeSummary Of(IReadOnlyList<CellResult> rounds) => new(
        ClusterComparison.Median(rounds.Select(r => r.RequestsPerSec)),
        ClusterComparison.Median(rounds.Select(r => r.LatencyP50Ms)),
        ClusterComparison.Median(rounds.Select(r => r.LatencyP99Ms)),
        MedianOrNull(rounds.Select(r => r.TtfbP50Ms)),
        MedianOrNull(rounds.Select(r => r.TtfbP99Ms)),
        MedianOrNull(rounds.Select(r => r.CpuUsPerRequest.Count == 0 ? (double?)null : r.CpuUsPerRequest.Values.Sum())),
        rounds.Sum(r => r.Requests),
        rounds.Sum(r => r.Errors),
        [.. rounds.Select(r => r.RequestsPerSec)]);

    private static double? MedianOrNull(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        return present.Count == 0 ? null : ClusterComparison.Median(present);
    }
}

/// <summary>
/// Forwarded (client → A → peer listener of B → B's worker) against local (client → B → B's worker) for one cell.
/// The two modes were measured in alternation (local, forwarded, local, …), so round i of each was taken seconds
/// apart on the same background load: the cost figures are medians of the per-round pairs, not differences of
/// medians, which keeps a noisy round from pairing one mode's good moment with the other's bad one.
/// </summary>
internal sealed record ClusterComparison(
    string Workload, int Concurrency, ModeSummary Local, ModeSummary Forwarded,
    double RequestsPerSecRatio, double AddedP50Ms, double AddedP99Ms, double? AddedTtfbP50Ms)
{
    /// <summary>Pairs round i of <paramref name="local"/> with round i of <paramref name="forwarded"/>.</summary>
    public static ClusterComparison Of(IReadOnlyList<CellResult> local, IReadOnlyList<CellResult> forwarded)
    {
        if (local.Count == 0 || local.Count != forwarded.Count)
        {
            throw new ArgumentException($"need as many forwarded rounds as local ones, at least one (got {local.Count} and {forwarded.Count})");
        }

        var pairs = local.Zip(forwarded).ToList();
        var ttfb = pairs.Where(p => p.First.TtfbP50Ms is not null && p.Second.TtfbP50Ms is not null).ToList();
        return new ClusterComparison(
            local[0].Workload,
            local[0].Concurrency,
            ModeSummary.Of(local),
            ModeSummary.Of(forwarded),
            Median(pairs.Select(p => p.Second.RequestsPerSec / p.First.RequestsPerSec)),
            Median(pairs.Select(p => p.Second.LatencyP50Ms - p.First.LatencyP50Ms)),
            Median(pairs.Select(p => p.Second.LatencyP99Ms - p.First.LatencyP99Ms)),
            ttfb.Count == 0 ? null : Median(ttfb.Select(p => p.Second.TtfbP50Ms!.Value - p.First.TtfbP50Ms!.Value)));
    }

    /// <summary>The middle value; the mean of the two middle ones for an even count; NaN for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
