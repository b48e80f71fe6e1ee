using System.Buffers;
using System.Diagnostics;
using System.Net;

namespace RxRelay.Bench.Load;

/// <summary>
/// Closed-loop load: N loops, each sending its next request the moment the previous one has been
/// read to the end, for warm-up + duration. A request counts in the measurement when it
/// <em>completes</em> inside the measured window (so requests/s is completions ÷ window); anything that
/// fails, in warm-up or not, is an error. One shared <see cref="HttpClient"/> keeps connections alive.
/// </summary>
internal sealed class ClosedLoopRunner(HttpClient client)
{
    private const int MaxErrorSamples = 5;

    // A request still unanswered this long after the window closed is an error, not a reason to hang:
    // a wedged path must fail the cell in bounded time.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>Runs one cell against <paramref name="endpoint"/> (a full <c>/v1/chat/completions</c> URL).</summary>
    /// <param name="expectedChunks">For streams: the data-line count every answer must have (a truncated stream is an error).</param>
    public async Task<CellMeasurement> RunAsync(
        Uri endpoint, Workload workload, string model, int concurrency, TimeSpan warmup, TimeSpan duration,
        int expectedChunks, CancellationToken cancellationToken)
    {
        var body = workload.Body(model);
        var start = Stopwatch.GetTimestamp();
        var window = new MeasuredWindow(
            start + (long)(warmup.TotalSeconds * Stopwatch.Frequency),
            start + (long)((warmup + duration).TotalSeconds * Stopwatch.Frequency));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(warmup + duration + Grace);
        var loops = Enumerable.Range(0, concurrency)
            .Select(_ => Task.Run(() => LoopAsync(endpoint, workload, body, window, expectedChunks, deadline.Token), cancellationToken))
            .ToArray();
        var results = await Task.WhenAll(loops).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        return new CellMeasurement(
            duration,
            [.. results.SelectMany(r => r.Latencies)],
            [.. results.SelectMany(r => r.Ttfb)],
            results.Sum(r => r.Chunks),
            results.Sum(r => r.Errors),
            [.. results.SelectMany(r => r.ErrorSamples).Take(MaxErrorSamples)],
            results.Sum(r => r.Completed));
    }

    /// <summary>One streaming request: how many data lines the answer has (the figure every measured stream must match).</summary>
    public static async Task<int> CountStreamChunksAsync(HttpClient client, Uri endpoint, Workload workload, string model, CancellationToken cancellationToken)
    {
        using var request = workload.CreateRequest(endpoint, workload.Body(model));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"the echo backend answered the stream probe with HTTP {(int)response.StatusCode}");
        }

        var counter = new SseChunkCounter();
        counter.Feed(body);
        counter.Complete();
        return counter.Chunks;
    }

    private async Task<LoopResult> LoopAsync(
        Uri endpoint, Workload workload, byte[] body, MeasuredWindow window, int expectedChunks, CancellationToken cancellationToken)
    {
        var result = new LoopResult();
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (Stopwatch.GetTimestamp() < window.End && !cancellationToken.IsCancellationRequested)
            {
                var sent = Stopwatch.GetTimestamp();
                var (ttfb, chunks, error) = await SendOneAsync(endpoint, workload, body, buffer, sent, expectedChunks, cancellationToken).ConfigureAwait(false);
                var done = Stopwatch.GetTimestamp();
                if (error is not null)
                {
                    result.AddError(error);
                    continue;
                }

                result.Completed++;
                if (done >= window.Start && done <= window.End)
                {
                    result.Latencies.Add(Stopwatch.GetElapsedTime(sent, done).TotalMilliseconds);
                    if (workload.Streaming)
                    {
                        result.Ttfb.Add(ttfb);
                        result.Chunks += chunks;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return result;
    }

    // Returns the time to the first body byte (ms), the SSE data lines counted, and an error text or null.
    private async Task<(double TtfbMs, int Chunks, string? Error)> SendOneAsync(
        Uri endpoint, Workload workload, byte[] body, byte[] buffer, long sent, int expectedChunks, CancellationToken cancellationToken)
    {
        try
        {
            using var request = workload.CreateRequest(endpoint, body);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var counter = new SseChunkCounter();
                var ttfb = double.NaN;
                long bytes = 0;
                var lastRead = 0;
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (bytes == 0)
                    {
                        ttfb = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                    }

                    bytes += read;
                    lastRead = read;
                    if (workload.Streaming)
                    {
                        counter.Feed(buffer.AsSpan(0, read));
                    }
                }

                counter.Complete();
                var error = Check(response.StatusCode, bytes, workload.Streaming, counter.Chunks, expectedChunks);
                if (error is not null && response.StatusCode != HttpStatusCode.OK)
                {
                    // An error answer's body says why (e.g. the proxy's 503 text); the buffer holds its last read.
                    error += ": " + System.Text.Encoding.UTF8.GetString(buffer, 0, Math.Min(lastRead, 160)).ReplaceLineEndings(" ");
                }

                return (ttfb, counter.Chunks, error);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (double.NaN, 0, $"no complete answer within the window + {Grace.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return (double.NaN, 0, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static string? Check(HttpStatusCode status, long bytes, bool streaming, int chunks, int expectedChunks) =>
        status != HttpStatusCode.OK ? $"HTTP {(int)status}"
        : bytes == 0 ? "empty body"
        : streaming && expectedChunks > 0 && chunks != expectedChunks ? $"stream had {chunks} data lines, expected {expectedChunks}"
        : null;

    private readonly record struct MeasuredWindow(long Start, long End);

    private sealed class LoopResult
    {
        public List<double> Latencies { get; } = new(4096);

        public List<double> Ttfb { get; } = [];

        public List<string> ErrorSamples { get; } = [];

        public long Chunks { get; set; }

        public int Completed { get; set; }

        public int Errors { get; private set; }

        public void AddError(string error)
        {
            Errors++;
            if (ErrorSamples.Count < MaxErrorSamples)
            {
                ErrorSamples.Add(error);
            }
        }
    }
}
