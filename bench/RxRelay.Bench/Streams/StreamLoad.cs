using System.Diagnostics;
using System.Net;

namespace RxRelay.Bench.Streams;

/// <summary>
/// The streams cell's load generator: N streams, each on its own connection, opened at a bounded rate
/// (<c>--stream-ramp</c> per second, evenly spaced) and each kept open until its end. Every stream must
/// deliver exactly the expected events; a short, failed or unfinished one is an error. A stream still open
/// at the deadline (ramp + expected stream time + <see cref="Grace"/>) is cut and counted as an error, so a
/// wedged path fails in bounded time.
/// </summary>
internal static class StreamLoad
{
    /// <summary>How long past its expected end a stream may run before the cell gives up on it.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private const int MaxErrorSamples = 5;

    public static async Task<StreamLoadResult> RunAsync(
        IPEndPoint endpoint, byte[] request, int streams, int expectedEvents, double rampPerSecond, TimeSpan expectedStreamTime,
        CancellationToken cancellationToken)
    {
        var open = 0;
        var peak = 0;
        void Opened()
        {
            var now = Interlocked.Increment(ref open);
            for (var seen = Volatile.Read(ref peak); now > seen && Interlocked.CompareExchange(ref peak, now, seen) != seen; seen = Volatile.Read(ref peak))
            {
            }
        }

        void Closed() => Interlocked.Decrement(ref open);

        var ramp = TimeSpan.FromSeconds(streams / rampPerSecond);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ramp + expectedStreamTime + Grace);
        var tasks = new Task<StreamOutcome>[streams];
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < streams; i++)
        {
            // Evenly spaced: stream i is due at i / rate; sleep only when more than a millisecond ahead.
            var ahead = (i / rampPerSecond) - Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (ahead > 0.001)
            {
                await Task.Delay(TimeSpan.FromSeconds(ahead), cancellationToken).ConfigureAwait(false);
            }

            tasks[i] = RawStreamClient.RunAsync(endpoint, request, expectedEvents, Opened, Closed, deadline.Token);
        }

        var rampSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var outcomes = await Task.WhenAll(tasks).ConfigureAwait(false);
        var wallSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();
        var completed = outcomes.Where(o => o.Error is null).ToArray();
        var failed = outcomes.Where(o => o.Error is not null).ToArray();
        return new StreamLoadResult(
            streams,
            expectedEvents,
            completed.Length,
            outcomes.Sum(o => (long)o.Events),
            failed.Length,
            [.. failed.Select(o => o.Error!).Distinct(StringComparer.Ordinal).Take(MaxErrorSamples)],
            [.. completed.Select(o => o.TtfbMs)],
            [.. completed.Select(o => o.DurationMs)],
            peak,
            rampSeconds,
            wallSeconds);
    }

    /// <summary>One stream with no token delay: how many events the backend's answer has (every measured stream must match).</summary>
    public static async Task<int> ProbeEventsAsync(IPEndPoint endpoint, Uri baseAddress, string model, int tokens, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var outcome = await RawStreamClient.RunAsync(
            endpoint, StreamRequest.Build(baseAddress, model, tokens, delayMs: 0), expectedEvents: null, () => { }, () => { }, deadline.Token).ConfigureAwait(false);
        return outcome.Error is { } error
            ? throw new InvalidOperationException($"the stream probe failed: {error}")
            : outcome.Events;
    }
}
