using System.Globalization;

namespace RxRelay.Bench.Streams;

/// <summary>The streams cell's knobs (<c>--streams</c>, <c>--stream-tokens</c>, <c>--stream-delay-ms</c>, <c>--stream-ramp</c>, and <c>--workers</c> for this cell).</summary>
internal sealed record StreamSettings
{
    /// <summary><c>--streams N,M</c>: concurrent stream counts, one cell per count; empty: no streams cell.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [];

    /// <summary><c>--stream-tokens</c>: tokens per stream (<c>x-echo-tokens</c>), default 20.</summary>
    public int Tokens { get; init; } = 20;

    /// <summary><c>--stream-delay-ms</c>: delay before each token (<c>x-echo-delay-ms</c>), default 250.</summary>
    public int DelayMs { get; init; } = 250;

    /// <summary>
    /// <c>--stream-ramp</c>: streams opened per second, evenly spaced, default 5,000: 10,000 streams are all open
    /// after 2 s, well before the first of 5 s ends.
    /// </summary>
    public int RampPerSecond { get; init; } = 5000;

    /// <summary><c>--workers</c> (this cell's default 4): RxRelay workers sharing the streams; each gets <c>--max-concurrency ceil(max N / workers)</c>.</summary>
    public int Workers { get; init; } = 4;

    public bool Enabled => Sizes.Count > 0;

    /// <summary>How long one stream lasts when nothing is slow: tokens × delay.</summary>
    public TimeSpan StreamTime => TimeSpan.FromMilliseconds((double)Tokens * DelayMs);

    /// <summary>Each RxRelay worker's <c>--max-concurrency</c>.</summary>
    public int ConcurrencyPerWorker => (Sizes.Max() + Workers - 1) / Workers;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{string.Join(", ", Sizes)} concurrent streams of {Tokens} tokens {DelayMs} ms apart ({StreamTime.TotalSeconds:0.##} s each), one raw connection per stream, opened {RampPerSecond}/s; rxrelay: {Workers} worker(s) with --max-concurrency {ConcurrencyPerWorker}, proxy --max-queue-len 0");
}
