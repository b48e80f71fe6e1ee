using System.Diagnostics;
using System.Net;
using RxRelay.Bench.Load;
using RxRelay.Bench.Report;
using RxRelay.Bench.Scale;
using RxRelay.Bench.Targets;

namespace RxRelay.Bench;

/// <summary>
/// The macro run: echo backend up, then for each target (direct, YARP, RxRelay) its processes up, its
/// four cells, its processes down (so an idle YARP never competes with RxRelay for the two cores), then
/// the scale cell, the report and the exit code.
/// </summary>
internal sealed class BenchRun(BenchOptions options, Action<string> log)
{
    private static readonly (Workload Workload, int Concurrency)[] Cells =
    [
        (Workload.Chat, 1), (Workload.Chat, 64), (Workload.Stream200, 1), (Workload.Stream200, 16),
    ];

    private static readonly string[] TargetOrder = ["direct", "yarp", "rxrelay"];

    private readonly List<CellResult> results = [];
    private readonly List<string> notes = [];
    private bool failed;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Read();
        log($"machine: {machine}");
        var programs = PublishedPrograms.Locate(options.PublishDirectory);
        using var http = CreateClient();
        var runner = new ClosedLoopRunner(http);

        var (echo, backend) = await EchoBackendProcess.StartAsync(programs, cancellationToken).ConfigureAwait(false);
        await using (echo.ConfigureAwait(false))
        {
            log($"echo backend at {backend}");
            var expectedChunks = await ClosedLoopRunner.CountStreamChunksAsync(http, new Uri(backend, "/v1/chat/completions"), Workload.Stream200, "echo", cancellationToken).ConfigureAwait(false);
            log($"a {Workload.Stream200.StreamTokens}-token stream from the backend has {expectedChunks} data lines; every stream must have exactly that many");
            foreach (var target in TargetOrder.Where(options.Targets.Contains))
            {
                await RunTargetAsync(target, programs, echo, backend, http, runner, expectedChunks, cancellationToken).ConfigureAwait(false);
            }
        }

        AddRatios();
        var scale = await RunScaleAsync(programs, http, cancellationToken).ConfigureAwait(false);
        var targets = TargetChecks.Evaluate(results, scale);
        var output = options.OutputFile ?? Path.Combine(RepositoryRoot.Find(), "artifacts", "bench", "results.json");
        var errors = results.Sum(r => r.Errors) + scale.Sum(s => s.Errors);
        if (errors > 0)
        {
            failed = true;
            notes.Add($"{errors} request(s) failed: exit code 1.");
        }

        Console.WriteLine();
        Console.WriteLine(ResultsTable.Render(machine, options, results, scale, targets, notes));
        await ResultsJson.WriteAsync(output, machine, options, results, scale, targets, notes, cancellationToken).ConfigureAwait(false);
        log($"wrote {output}");
        return failed ? 1 : 0;
    }

    private async Task RunTargetAsync(
        string target, PublishedPrograms programs, ChildProcess echo, Uri backend, HttpClient http, ClosedLoopRunner runner, int expectedChunks,
        CancellationToken cancellationToken)
    {
        await using var processes = new AsyncDisposables();
        LoadTarget loadTarget;
        try
        {
            loadTarget = await StartTargetAsync(target, programs, backend, http, processes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException or HttpRequestException)
        {
            failed = true;
            var message = $"the {target} path could not run, so it has NO numbers (nothing was faked): {ex.Message}";
            notes.Add(message);
            log("ERROR: " + message);
            return;
        }

        foreach (var (workload, concurrency) in Cells)
        {
            foreach (var process in loadTarget.Monitored)
            {
                ProcessMemory.TryResetPeak(process.Pid);
            }

            log($"{target} {workload.Name} c={concurrency}: {options.Warmup.TotalSeconds:0.#} s warm-up + {options.Duration.TotalSeconds:0.#} s …");
            var cpu = new CpuAccounting([.. loadTarget.Monitored.Select(p => (p.Name, p.Pid)), ("echo-backend", echo.Pid), ("load-generator", Environment.ProcessId)]);
            var measurement = await runner.RunAsync(
                loadTarget.ChatCompletions, workload, loadTarget.Model, concurrency, options.Warmup, options.Duration, expectedChunks, cancellationToken).ConfigureAwait(false);
            var peaks = loadTarget.Monitored.ToDictionary(p => p.Name, p => (ProcessMemory.PeakRss(p.Pid) ?? 0) / 1024.0 / 1024.0);
            var result = CellResult.From(target, workload, concurrency, measurement, peaks) with
            {
                CpuUsPerRequest = cpu.MicrosecondsPerRequest(measurement.CompletedIncludingWarmup),
            };
            log($"  {result.RequestsPerSec:0} req/s, p50 {result.LatencyP50Ms:0.000} ms, p99 {result.LatencyP99Ms:0.000} ms" +
                (result.ChunksPerSec is { } cps ? $", {cps:N0} chunks/s, TTFB p50 {result.TtfbP50Ms:0.000} ms" : "") +
                $", errors {result.Errors}{(result.Errors > 0 ? " (" + string.Join(" | ", result.ErrorSamples) + ")" : "")}");
            results.Add(result);
            if (result.Errors > 0)
            {
                foreach (var process in loadTarget.Monitored)
                {
                    log($"  last output of {process.Name}:{Environment.NewLine}{process.RecentOutput()}");
                }
            }
            if (loadTarget.Monitored.FirstOrDefault(p => p.HasExited) is { } dead)
            {
                failed = true;
                notes.Add(dead.Failure("died during the " + target + " cells").Message);
                return;
            }
        }
    }

    private static async Task<LoadTarget> StartTargetAsync(
        string target, PublishedPrograms programs, Uri backend, HttpClient http, AsyncDisposables processes, CancellationToken cancellationToken)
    {
        switch (target)
        {
            case "direct":
                return new LoadTarget("direct", backend, "echo", []);
            case "yarp":
                var (yarp, yarpAddress) = await YarpProcess.StartAsync(backend, cancellationToken).ConfigureAwait(false);
                processes.Add(yarp);
                return new LoadTarget("yarp", yarpAddress, "echo", [yarp]);
            default:
                var relay = await RelayProcesses.StartAsync(programs, backend, http, cancellationToken).ConfigureAwait(false);
                processes.Add(relay);
                return new LoadTarget("rxrelay", relay.ProxyAddress, RelayProcesses.Model, [relay.Proxy, relay.Worker!]);
        }
    }

    private void AddRatios()
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
            failed = true;
            var message = $"the scale cell could not run, so it has NO numbers: {ex.Message}";
            notes.Add(message);
            log("ERROR: " + message);
            return [];
        }
    }

    // One handler for the whole run: keep-alive connections, no proxy, no decompression, no cookies,
    // and no cap on connections per server (closed-loop concurrency bounds them anyway).
    private static HttpClient CreateClient() => new(new SocketsHttpHandler
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
        private readonly Stack<IAsyncDisposable> items = new();

        public void Add(IAsyncDisposable item) => items.Push(item);

        public async ValueTask DisposeAsync()
        {
            while (items.TryPop(out var item))
            {
                await item.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
