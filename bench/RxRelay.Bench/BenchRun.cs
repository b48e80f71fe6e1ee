using System.Net;
using RxRelay.Bench.Cores;
using RxRelay.Bench.Load;
using RxRelay.Bench.Report;
using RxRelay.Bench.Scale;
using RxRelay.Bench.Targets;

namespace RxRelay.Bench;

/// <summary>
/// The macro run: echo backend and every target's processes up, then each cell measured on every
/// target back to back (direct, YARP, RxRelay), for as many rounds as asked, then the scale cell, the
/// report and the exit code. Interleaving by cell rather than by target is deliberate: this box is
/// shared, its background load drifts over minutes, and a ratio is only fair when both of its numbers
/// were taken seconds apart. Idle targets cost nothing measurable (a sleeping process or two).
/// </summary>
internal sealed class BenchRun(BenchOptions options, Action<string> log)
{
    /// <summary>Every load cell, in the order they run (also the cluster cell's); chat:256 only when asked for (<see cref="BenchOptions.ExtraCells"/>).</summary>
    internal static readonly (Workload Workload, int Concurrency)[] Cells =
    [
        (Workload.Chat, 1), (Workload.Chat, 64), (Workload.Chat, 256), (Workload.Stream200, 1), (Workload.Stream200, 16),
    ];

    private static readonly string[] TargetOrder = ["direct", "yarp", "rxrelay"];

    private readonly RunNotes _notes = new();
    private readonly CorePinning? _pinning = options.Cpus is { } plan ? new CorePinning(plan) : null;
    private IReadOnlyList<PinnedProcess> _pinned = [];

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Read();
        log($"machine: {machine}");
        var programs = PublishedPrograms.Locate(options.PublishDirectory);
        PinHarness();
        using var http = CreateClient();
        IReadOnlyList<CellResult> results;
        var (echo, backend) = await EchoBackendProcess.StartAsync(programs, _pinning, cancellationToken).ConfigureAwait(false);
        await using (echo.ConfigureAwait(false))
        {
            log($"echo backend at {backend}");
            var expectedChunks = await ClosedLoopRunner.CountStreamChunksAsync(http, new Uri(backend, "/v1/chat/completions"), Workload.Stream200, "echo", cancellationToken).ConfigureAwait(false);
            log($"a {Workload.Stream200.StreamTokens}-token stream from the backend has {expectedChunks} data lines; every stream must have exactly that many");
            await using var processes = new AsyncDisposables();
            var targets = new List<LoadTarget>();
            foreach (var name in TargetOrder.Where(options.Targets.Contains))
            {
                if (await TryStartTargetAsync(name, programs, backend, http, processes, cancellationToken).ConfigureAwait(false) is { } target)
                {
                    targets.Add(target);
                }
            }

            CheckPinning();
            results = await MeasureAllAsync(targets, echo, new ClosedLoopRunner(http), expectedChunks, cancellationToken).ConfigureAwait(false);
        }

        _pinning?.ReleaseHarness();

        AddRatios(results);
        var scale = await RunScaleAsync(programs, http, cancellationToken).ConfigureAwait(false);
        var checks = TargetChecks.Evaluate(results, scale);
        if (options.Workers > 1 && options.Targets.Contains("rxrelay"))
        {
            _notes.Add($"--workers {options.Workers}: the rxrelay cells ran with {options.Workers} workers, so the target 'streaming through one worker' was measured through {options.Workers}.");
        }
        var output = options.OutputFile ?? Path.Combine(RepositoryRoot.Find(), "artifacts", "bench", "results.json");
        var errors = results.Sum(r => r.Errors) + scale.Sum(s => s.Errors);
        if (errors > 0)
        {
            _notes.Fail($"{errors} request(s) failed: exit code 1.");
        }

        Console.WriteLine();
        Console.WriteLine(ResultsTable.Render(machine, options, results, scale, checks, _notes.All, _pinned));
        await ResultsJson.WriteAsync(output, machine, options, results, scale, checks, _notes.All, _pinned, cancellationToken).ConfigureAwait(false);
        log($"wrote {output}");
        return _notes.Failed ? 1 : 0;
    }

    private async Task<IReadOnlyList<CellResult>> MeasureAllAsync(
        List<LoadTarget> targets, ChildProcess echo, ClosedLoopRunner runner, int expectedChunks, CancellationToken cancellationToken)
    {
        await WarmUpAsync(targets, runner, expectedChunks, cancellationToken).ConfigureAwait(false);
        var rounds = new Dictionary<(string, string, int), List<CellResult>>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var (workload, concurrency) in Cells.Where(c => options.Cells.Contains($"{c.Workload.Name}:{c.Concurrency}")))
            {
                foreach (var target in targets.ToList())
                {
                    log($"round {round}/{options.Rounds} {target.Name} {workload.Name} c={concurrency}: {options.Warmup.TotalSeconds:0.#} s warm-up + {options.Duration.TotalSeconds:0.#} s …");
                    var result = await MeasureAsync(target, workload, concurrency, echo, runner, expectedChunks, cancellationToken).ConfigureAwait(false);
                    var key = (target.Name, workload.Name, concurrency);
                    (rounds.TryGetValue(key, out var list) ? list : rounds[key] = []).Add(result);
                    if (target.Monitored.FirstOrDefault(p => p.HasExited) is { } dead)
                    {
                        _notes.Fail(dead.Failure($"died during the {target.Name} cells; its remaining cells were not run").Message);
                        targets.Remove(target);
                    }
                }
            }
        }

        // Report the round with the median throughput, and every round's figure beside it.
        return [.. rounds.Values.Select(list =>
        {
            var median = list.OrderBy(r => r.RequestsPerSec).ElementAt(list.Count / 2);
            return median with
            {
                RoundsRequestsPerSec = [.. list.Select(r => r.RequestsPerSec)],
                Errors = list.Sum(r => r.Errors),
                ErrorSamples = [.. list.SelectMany(r => r.ErrorSamples).Take(5)],
            };
        })];
    }

    /// <summary>
    /// Once, before any cell: mixed load on every target, so the first cell does not measure freshly
    /// started processes still compiling their hot paths (with 1 s of per-cell warm-up, the relay's first
    /// cell measured p99 8.5 ms instead of 0.28 ms). Nothing is recorded, but a failed request still fails the run.
    /// </summary>
    private async Task WarmUpAsync(List<LoadTarget> targets, ClosedLoopRunner runner, int expectedChunks, CancellationToken cancellationToken)
    {
        if (options.StartWarmup <= TimeSpan.Zero)
        {
            return;
        }

        foreach (var target in targets)
        {
            log($"start-up warm-up {target.Name}: {options.StartWarmup.TotalSeconds:0.#} s of chat (8 loops), then of stream200 (4 loops) …");
            foreach (var (workload, concurrency, chunks) in new[] { (Workload.Chat, 8, 0), (Workload.Stream200, 4, expectedChunks) })
            {
                var warm = await runner.RunAsync(
                    target.ChatCompletions, workload, target.Model, concurrency, TimeSpan.Zero, options.StartWarmup, chunks, cancellationToken).ConfigureAwait(false);
                if (warm.Errors > 0)
                {
                    _notes.Fail($"{warm.Errors} request(s) failed during the start-up warm-up of {target.Name}: exit code 1 ({string.Join(" | ", warm.ErrorSamples)}).");
                }
            }
        }
    }

    private async Task<CellResult> MeasureAsync(
        LoadTarget target, Workload workload, int concurrency, ChildProcess echo, ClosedLoopRunner runner, int expectedChunks, CancellationToken cancellationToken)
    {
        foreach (var process in target.Monitored)
        {
            ProcessMemory.TryResetPeak(process.Pid);
        }

        var cpu = new CpuAccounting([.. target.Monitored.Select(p => (p.Name, p.Pid)), ("echo-backend", echo.Pid), ("load-generator", Environment.ProcessId)]);
        var measurement = await runner.RunAsync(
            target.ChatCompletions, workload, target.Model, concurrency, options.Warmup, options.Duration, expectedChunks, cancellationToken).ConfigureAwait(false);
        var peaks = target.Monitored.ToDictionary(p => p.Name, p => (ProcessMemory.PeakRss(p.Pid) ?? 0) / 1024.0 / 1024.0);
        var result = (CellResult.From(target.Name, workload, concurrency, measurement, peaks) with
        {
            CpuUsPerRequest = cpu.MicrosecondsPerRequest(measurement.CompletedIncludingWarmup),
        }).WithSutCores(options.Cpus?.SutOf(target.Name));
        log($"  {result.RequestsPerSec:0} req/s, p50 {result.LatencyP50Ms:0.000} ms, p99 {result.LatencyP99Ms:0.000} ms" +
            (result.ChunksPerSec is { } cps ? $", {cps:N0} chunks/s, TTFB p50 {result.TtfbP50Ms:0.000} ms" : "") +
            $", errors {result.Errors}{(result.Errors > 0 ? " (" + string.Join(" | ", result.ErrorSamples) + ")" : "")}");
        if (result.Errors > 0)
        {
            foreach (var process in target.Monitored)
            {
                log($"  last output of {process.Name}:{Environment.NewLine}{process.RecentOutput()}");
            }
        }

        return result;
    }

    private async Task<LoadTarget?> TryStartTargetAsync(
        string target, PublishedPrograms programs, Uri backend, HttpClient http, AsyncDisposables processes, CancellationToken cancellationToken)
    {
        try
        {
            switch (target)
            {
                case "direct":
                    return new LoadTarget("direct", backend, "echo", []);
                case "yarp":
                    var (yarp, yarpAddress) = await YarpProcess.StartAsync(backend, _pinning, cancellationToken).ConfigureAwait(false);
                    processes.Add(yarp);
                    return new LoadTarget("yarp", yarpAddress, "echo", [yarp]);
                default:
                    var relay = await RelayProcesses.StartAsync(
                        programs, backend, http, options.RelayEnvironment, options.Workers, _pinning, cancellationToken).ConfigureAwait(false);
                    processes.Add(relay);
                    log($"rxrelay: proxy at {relay.ProxyAddress}, {(options.Workers == 1 ? "worker" : $"{options.Workers} workers")} connected");
                    return new LoadTarget("rxrelay", relay.ProxyAddress, RelayProcesses.Model, [relay.Proxy, .. relay.Workers]);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException or HttpRequestException)
        {
            var message = $"the {target} path could not run, so it has NO numbers (nothing was faked): {ex.Message}";
            _notes.Fail(message);
            log("ERROR: " + message);
            return null;
        }
    }

    /// <summary>With <c>--cpus</c>: says how the cores were split and pins this process (the load generator) to its set.</summary>
    private void PinHarness() => _pinning?.DescribeAndPinHarness(log);

    /// <summary>With <c>--cpus</c>: reads every thread's cores of every process back from /proc; a process not on its cores fails the run.</summary>
    private void CheckPinning() => _pinned = _pinning?.CheckAndReport(log, _notes.Fail) ?? [];

    private static void AddRatios(IReadOnlyList<CellResult> results)
    {
        foreach (var relay in results.Where(r => r.Target == "rxrelay"))
        {
            CellResult? Baseline(string target) =>
                results.FirstOrDefault(r => r.Target == target && r.Workload == relay.Workload && r.Concurrency == relay.Concurrency);
            relay.VsDirect = Baseline("direct") is { } d ? Ratios.Of(relay, d) : null;
            relay.VsYarp = Baseline("yarp") is { } y ? Ratios.Of(relay, y) : null;
        }
    }

    private async Task<IReadOnlyList<ScaleStep>> RunScaleAsync(PublishedPrograms programs, HttpClient http, CancellationToken cancellationToken)
    {
        if (options.SkipScale || !options.Targets.Contains("rxrelay"))
        {
            return [];
        }

        log($"scale: idle workers {string.Join(", ", options.ScaleWorkers.Prepend(0))}, {options.ScaleRequests} sequential probe requests each");
        try
        {
            return await ScaleCell.RunAsync(programs, http, options, log, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException or HttpRequestException)
        {
            var message = $"the scale cell could not run, so it has NO numbers: {ex.Message}";
            _notes.Fail(message);
            log("ERROR: " + message);
            return [];
        }
    }

    // One handler for the whole run: keep-alive connections, no proxy, no decompression, no cookies,
    // and no cap on connections per server (closed-loop concurrency bounds them anyway).
    internal static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        Timeout = TimeSpan.FromSeconds(60),
        DefaultRequestVersion = HttpVersion.Version11,
    };

    /// <summary>Disposes what was added, last first.</summary>
    private sealed class AsyncDisposables : IAsyncDisposable
    {
        private readonly Stack<IAsyncDisposable> _items = new();

        public void Add(IAsyncDisposable item) => _items.Push(item);

        public async ValueTask DisposeAsync()
        {
            while (_items.TryPop(out var item))
            {
                await item.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
