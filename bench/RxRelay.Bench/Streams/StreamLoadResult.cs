namespace RxRelay.Bench.Streams;

/// <summary>What one streams cell saw on one target. Times in milliseconds unless named otherwise.</summary>
/// <param name="Streams">Streams opened (the cell's N).</param>
/// <param name="ExpectedEventsPerStream">SSE data lines (<c>[DONE]</c> included) every stream must have.</param>
/// <param name="Completed">Streams that ended with exactly the expected events, framed end seen.</param>
/// <param name="Events">Events delivered, over every stream (short ones included).</param>
/// <param name="PeakOpen">Most streams open at once (request written, end not yet read).</param>
/// <param name="RampSeconds">From the first connect to the last request started.</param>
/// <param name="WallSeconds">From the first connect to the last stream's end.</param>
internal sealed record StreamLoadResult(
    int Streams,
    int ExpectedEventsPerStream,
    int Completed,
    long Events,
    int Errors,
    IReadOnlyList<string> ErrorSamples,
    double[] TtfbMs,
    double[] DurationMs,
    int PeakOpen,
    double RampSeconds,
    double WallSeconds)
{
    /// <summary>Events the cell should deliver: every stream complete.</summary>
    public long ExpectedEvents => (long)Streams * ExpectedEventsPerStream;

    /// <summary>Events delivered ÷ wall time.</summary>
    public double EventsPerSecond => WallSeconds > 0 ? Events / WallSeconds : 0;
}
