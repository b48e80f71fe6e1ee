namespace RxRelay.Bench.Streams;

/// <summary>
/// One stream's end. Times in milliseconds from the moment its request was written; NaN when not reached.
/// <paramref name="Error"/> is null only for a 200 answer read to its framed end with exactly the expected events.
/// </summary>
internal readonly record struct StreamOutcome(double TtfbMs, double DurationMs, int Events, string? Error);
