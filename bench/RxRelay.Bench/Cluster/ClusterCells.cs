using RxRelay.Bench.Load;
using RxRelay.Bench.Report;
using RxRelay.Bench.Targets;

namespace RxRelay.Bench.Cluster;

/// <summary>
/// Measures one cell in one mode on the running replicas and checks that the mode was what it claims: forwarded
/// = every completed request was a <c>served</c> forward of A; local = B forwarded nothing.
/// </summary>
internal sealed class ClusterCells(
    ClusterReplicas replicas, ChildProcess echo, ClosedLoopRunner runner, HttpClient http, BenchOptions options, int expectedChunks, Action<string> log)
{
    public const string Local = "local";

    public const string Forwarded = "forwarded";

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(5);

    public static string ModeName(bool forwarded) => forwarded ? Forwarded : Local;

    /// <summary>Once, before any cell: unrecorded chat then stream load through both entry points; returns the failures.</summary>
    public async Task<IReadOnlyList<string>> WarmUpAsync(CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        if (options.StartWarmup <= TimeSpan.Zero)
        {
            return failures;
        }

        foreach (var forwarded in new[] { false, true })
        {
            log($"start-up warm-up {ModeName(forwarded)}: {options.StartWarmup.TotalSeconds:0.#} s of chat (8 loops), then of stream200 (4 loops) …");
            foreach (var (workload, concurrency, chunks) in new[] { (Workload.Chat, 8, 0), (Workload.Stream200, 4, expectedChunks) })
            {
                var warm = await runner.RunAsync(
                    Endpoint(forwarded), workload, RelayProcesses.Model, concurrency, TimeSpan.Zero, options.StartWarmup, chunks, cancellationToken).ConfigureAwait(false);
                if (warm.Errors > 0)
                {
                    failures.Add($"{warm.Errors} request(s) failed during the start-up warm-up ({ModeName(forwarded)}): {string.Join(" | ", warm.ErrorSamples)}");
                }
            }
        }

        return failures;
    }

    /// <summary>One cell; the failure text is set when a process died or the mode was not what it claims.</summary>
    public async Task<(CellResult Result, string? Failure)> MeasureAsync(Workload workload, int concurrency, bool forwarded, CancellationToken cancellationToken)
    {
        var path = forwarded ? replicas.Processes : [replicas.Serving.Proxy, replicas.Serving.Worker!];
        var cpu = new CpuAccounting([.. path.Select(p => (Label(p), p.Pid)), ("echo-backend", echo.Pid), ("load-generator", Environment.ProcessId)]);
        var forwardsBefore = await ForwardsAsync(forwarded, cancellationToken).ConfigureAwait(false);
        var measurement = await runner.RunAsync(
            Endpoint(forwarded), workload, RelayProcesses.Model, concurrency, options.Warmup, options.Duration, expectedChunks, cancellationToken).ConfigureAwait(false);
        var cpuPerRequest = cpu.MicrosecondsPerRequest(measurement.CompletedIncludingWarmup);
        var forwards = await SettledForwardsAsync(forwarded, forwardsBefore, measurement.CompletedIncludingWarmup, cancellationToken).ConfigureAwait(false);
        var result = CellResult.From(ModeName(forwarded), workload, concurrency, measurement, new Dictionary<string, double>()) with { CpuUsPerRequest = cpuPerRequest };
        log($"  {result.RequestsPerSec:0} req/s, p50 {result.LatencyP50Ms:0.000} ms, p99 {result.LatencyP99Ms:0.000} ms" +
            (result.TtfbP50Ms is { } ttfb ? $", TTFB p50 {ttfb:0.000} ms" : "") +
            $", {(forwarded ? ClusterReplicas.ForwardingId : ClusterReplicas.ServingId)} forwards: served {forwards.Served}{(forwards.Others() is { Length: > 0 } o ? ", " + o : "")}" +
            $", errors {result.Errors}{(result.Errors > 0 ? " (" + string.Join(" | ", result.ErrorSamples) + ")" : "")}");
        return (result, Died(path) ?? Check(forwarded, forwards, measurement.CompletedIncludingWarmup, $"{workload.Name}:{concurrency}"));
    }

    /// <summary>
    /// Forwarded: A's <c>served</c> forwards must equal the requests completed (warm-up included), since A has no
    /// worker and a completed request can only have been served by B. Local: B must not have forwarded any.
    /// </summary>
    internal static string? Check(bool forwarded, PeerForwardCounts forwards, int completed, string cell) =>
        forwarded
            ? forwards.Served == completed
                ? null
                : $"the forwarded {cell} cell did not measure forwarding: {completed} request(s) completed through {ClusterReplicas.ForwardingId} but its rxrelay_peer_forwards_total{{outcome=\"served\"}} grew by {forwards.Served}"
            : forwards.Total == 0
                ? null
                : $"the local {cell} cell was not local: {ClusterReplicas.ServingId} forwarded {forwards.Total} request(s) ({string.Join(", ", forwards.ByOutcome.Select(p => $"{p.Key}={p.Value}"))})";

    // A counts a forward when its relay task ends, which can be just after the client read the last byte: give the
    // counter a bounded moment to catch up before judging it.
    private async Task<PeerForwardCounts> SettledForwardsAsync(bool forwarded, PeerForwardCounts before, int completed, CancellationToken cancellationToken)
    {
        var settle = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var forwards = (await ForwardsAsync(forwarded, cancellationToken).ConfigureAwait(false)).Since(before);
            if (!forwarded || forwards.Served >= completed || settle.Elapsed > SettleTimeout)
            {
                return forwards;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private Uri Endpoint(bool forwarded) =>
        new((forwarded ? replicas.Forwarding : replicas.Serving).ProxyAddress, "/v1/chat/completions");

    // Forwarded cells watch A's counter; local cells watch B's (it must stay put).
    private Task<PeerForwardCounts> ForwardsAsync(bool forwarded, CancellationToken cancellationToken) =>
        PeerForwardCounts.ReadAsync(http, (forwarded ? replicas.Forwarding : replicas.Serving).ProxyAddress, cancellationToken);

    private string Label(ChildProcess process) =>
        process == replicas.Forwarding.Proxy ? "proxy-a" : process == replicas.Serving.Proxy ? "proxy-b" : "worker-b";

    private static string? Died(IReadOnlyList<ChildProcess> path) =>
        path.FirstOrDefault(p => p.HasExited) is { } dead ? dead.Failure("died during the cluster cells; the remaining cells were not run").Message : null;
}
