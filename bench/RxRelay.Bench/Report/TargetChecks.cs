using RxRelay.Bench.Scale;

namespace RxRelay.Bench.Report;

/// <summary>One performance target of issue 7, evaluated on this run's numbers (never asserted by a test).</summary>
internal sealed record TargetCheck(string Target, string Measured, bool? Met)
{
    public string Verdict => Met switch { true => "met", false => "NOT met", null => "not measured" };
}

/// <summary>Evaluates the targets from the cells that ran.</summary>
internal static class TargetChecks
{
    /// <summary>
    /// "Flat in N": p50 at the largest fleet within 1.5× of p50 with no idle workers (or within 0.1 ms
    /// of it), p99 within 2× (or 1 ms). The absolute allowances exist because a probe takes ~0.05 ms on
    /// loopback: on a shared 2-core box, scheduling noise alone moves that by tens of µs, so a ratio on
    /// its own would call noise growth. 5,000 workers adding under 0.1 ms is flat for any client.
    /// </summary>
    private const double FlatP50Factor = 1.5;
    private const double FlatP99Factor = 2.0;
    private const double FlatP50AllowanceMs = 0.1;
    private const double FlatP99AllowanceMs = 1.0;

    public static IReadOnlyList<TargetCheck> Evaluate(IReadOnlyList<CellResult> cells, IReadOnlyList<ScaleStep> scale)
    {
        CellResult? Find(string target, string workload, int concurrency) =>
            cells.FirstOrDefault(c => c.Target == target && c.Workload == workload && c.Concurrency == concurrency);

        var direct1 = Find("direct", "chat", 1);
        var relay1 = Find("rxrelay", "chat", 1);
        var yarp64 = Find("yarp", "chat", 64);
        var relay64 = Find("rxrelay", "chat", 64);
        var relayStream = cells.Where(c => c.Target == "rxrelay" && c.ChunksPerSec is not null).MaxBy(c => c.ChunksPerSec);

        return
        [
            Pair(direct1, relay1, "added p50 latency over direct at concurrency 1 <= 0.5 ms",
                (d, r) => r.LatencyP50Ms - d.LatencyP50Ms, 0.5),
            Pair(direct1, relay1, "added p99 latency over direct at concurrency 1 <= 3 ms",
                (d, r) => r.LatencyP99Ms - d.LatencyP99Ms, 3.0),
            yarp64 is null || relay64 is null
                ? new("throughput at concurrency 64 >= 1.0x one-hop YARP", "-", null)
                : new("throughput at concurrency 64 >= 1.0x one-hop YARP",
                    $"{relay64.RequestsPerSec / yarp64.RequestsPerSec:0.00}x ({relay64.RequestsPerSec:0} vs {yarp64.RequestsPerSec:0} req/s)",
                    relay64.RequestsPerSec >= yarp64.RequestsPerSec),
            relayStream is null
                ? new("streaming through one worker >= 200,000 chunks/s", "-", null)
                : new("streaming through one worker >= 200,000 chunks/s",
                    $"{relayStream.ChunksPerSec:N0} chunks/s (concurrency {relayStream.Concurrency})", relayStream.ChunksPerSec >= 200_000),
            Flat(scale),
        ];
    }

    private static TargetCheck Pair(CellResult? direct, CellResult? relay, string name, Func<CellResult, CellResult, double> added, double limitMs)
    {
        if (direct is null || relay is null)
        {
            return new(name, "-", null);
        }

        var ms = added(direct, relay);
        return new(name, $"{ms:+0.000;-0.000} ms", ms <= limitMs);
    }

    private static TargetCheck Flat(IReadOnlyList<ScaleStep> scale)
    {
        var name = $"request latency flat in idle workers N (p50 at max N <= max({FlatP50Factor}x, +{FlatP50AllowanceMs} ms) of N=0, p99 <= max({FlatP99Factor}x, +{FlatP99AllowanceMs} ms))";
        var zero = scale.FirstOrDefault(s => s.IdleWorkers == 0);
        var largest = scale.Where(s => s.IdleWorkers > 0).MaxBy(s => s.IdleWorkers);
        if (zero is null || largest is null)
        {
            return new(name, "-", null);
        }

        var p50 = largest.LatencyP50Ms / zero.LatencyP50Ms;
        var p99 = largest.LatencyP99Ms / zero.LatencyP99Ms;
        var p50Flat = p50 <= FlatP50Factor || largest.LatencyP50Ms - zero.LatencyP50Ms <= FlatP50AllowanceMs;
        var p99Flat = p99 <= FlatP99Factor || largest.LatencyP99Ms - zero.LatencyP99Ms <= FlatP99AllowanceMs;
        return new(name,
            $"N={largest.IdleWorkers}: p50 {largest.LatencyP50Ms:0.000} vs {zero.LatencyP50Ms:0.000} ms ({p50:0.00}x), p99 {largest.LatencyP99Ms:0.000} vs {zero.LatencyP99Ms:0.000} ms ({p99:0.00}x)",
            p50Flat && p99Flat && largest.Errors == 0);
    }
}
