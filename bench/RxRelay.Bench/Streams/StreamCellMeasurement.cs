using RxRelay.Bench.Targets;

namespace RxRelay.Bench.Streams;

/// <summary>
/// One streams cell on one target: peaks reset, CPU counted from start to the last stream's end for every
/// process in the path, the echo backend and this process (the load generator), and every death recorded.
/// </summary>
internal sealed class StreamCellMeasurement(StreamSettings settings, ChildProcess echo, int expectedEvents, Action<string> log)
{
    // Lets the previous cell's connections close and its servers go idle before the next one starts counting.
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    // Unrecorded streams per target before its first cell: without them, the first streams through a freshly started
    // YARP or proxy measured its JIT and its first backend connections (TTFB 150-260 ms for 10 streams, 8 ms direct).
    private const int WarmupStreams = 200;

    /// <summary>Runs <see cref="WarmupStreams"/> streams with no token delay through <paramref name="target"/>; returns an error text or null.</summary>
    public async Task<string?> WarmUpAsync(StreamTarget target, CancellationToken cancellationToken)
    {
        log($"{target.Name}: warm-up, {WarmupStreams} streams without token delay (unrecorded) …");
        var request = StreamRequest.Build(target.BaseAddress, target.Model, settings.Tokens, delayMs: 0);
        var load = await StreamLoad.RunAsync(
            target.Endpoint, request, WarmupStreams, expectedEvents, settings.RampPerSecond, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        return load.Errors == 0 ? null : $"{load.Errors} of {WarmupStreams} warm-up streams through {target.Name} failed ({string.Join(" | ", load.ErrorSamples)})";
    }

    public async Task<StreamCellResult> MeasureAsync(StreamTarget target, int streams, CancellationToken cancellationToken)
    {
        await Task.Delay(Settle, cancellationToken).ConfigureAwait(false);
        var processes = target.Monitored.Select(p => (p.Name, p.Pid)).Append(("echo-backend", echo.Pid)).Append(("load-generator", Environment.ProcessId)).ToArray();
        foreach (var (_, pid) in processes)
        {
            ProcessMemory.TryResetPeak(pid);
        }

        log($"{target.Name}: {streams} streams, opened {settings.RampPerSecond}/s, {settings.StreamTime.TotalSeconds:0.##} s each …");
        var cpu = new CpuAccounting(processes);
        var generatorBefore = ProcessCpu.Used(Environment.ProcessId);
        var request = StreamRequest.Build(target.BaseAddress, target.Model, settings.Tokens, settings.DelayMs);
        var load = await StreamLoad.RunAsync(
            target.Endpoint, request, streams, expectedEvents, settings.RampPerSecond, settings.StreamTime, cancellationToken).ConfigureAwait(false);
        var generatorCpu = ProcessCpu.Used(Environment.ProcessId) - generatorBefore;
        var died = target.Monitored.Append(echo).Where(p => p.HasExited)
            .Select(p => $"{p.Name} died during the {target.Name} cell at {streams} streams (exit code {p.ExitCode}); its last output:{Environment.NewLine}{p.RecentOutput()}")
            .ToList();
        var result = StreamCellResult.From(target.Name, load, settings.StreamTime) with
        {
            CpuUsPerEvent = cpu.MicrosecondsPerRequest((int)Math.Min(int.MaxValue, load.Events)),
            GeneratorCores = generatorCpu is { } used ? used.TotalSeconds / load.WallSeconds : null,
            PeakRssMiB = processes.ToDictionary(p => p.Item1, p => (ProcessMemory.PeakRss(p.Item2) ?? 0) / 1024.0 / 1024.0),
            Died = died,
        };
        log($"  {result.Completed}/{streams} complete, {result.Events:N0}/{result.ExpectedEvents:N0} events, peak open {result.PeakOpen}, TTFB p50 {result.TtfbP50Ms:0.0} ms p99 {result.TtfbP99Ms:0.0} ms, " +
            $"{result.EventsPerSec:N0} events/s (ideal {result.IdealEventsPerSec:N0}), generator {result.GeneratorCores:0.00} cores, errors {result.Errors}" +
            (result.ErrorSamples.Count > 0 ? " (" + string.Join(" | ", result.ErrorSamples) + ")" : ""));
        return result;
    }
}
