namespace RxRelay.Bench.Load;

/// <summary>Raw samples of one closed-loop cell, merged from every loop. Times in milliseconds.</summary>
internal sealed record CellMeasurement(
    TimeSpan Duration,
    double[] LatenciesMs,
    double[] TtfbMs,
    long Chunks,
    int Errors,
    IReadOnlyList<string> ErrorSamples,
    int CompletedIncludingWarmup)
{
    /// <summary>Requests completed inside the measured window.</summary>
    public int Requests => LatenciesMs.Length;
}
