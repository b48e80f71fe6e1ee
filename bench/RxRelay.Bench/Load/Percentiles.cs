namespace RxRelay.Bench.Load;

/// <summary>
/// Percentiles over the full, sorted sample array with the nearest-rank method: p is the value at
/// rank ceil(p/100 × n). Every sample is kept (a 10 s cell holds at most a few hundred thousand
/// doubles), so there is no bucketing error as with an HDR histogram and the method is easy to state.
/// </summary>
internal static class Percentiles
{
    /// <summary>The method, as printed in the report.</summary>
    public const string Method = "nearest-rank over the sorted array of all samples";

    /// <summary>Sorts <paramref name="samples"/> in place and returns p50, p90, p99 (NaN when empty).</summary>
    public static (double P50, double P90, double P99) Of(double[] samples)
    {
        Array.Sort(samples);
        return (At(samples, 50), At(samples, 90), At(samples, 99));
    }

    /// <summary>The nearest-rank percentile of an already sorted array.</summary>
    public static double At(double[] sorted, double percentile)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
