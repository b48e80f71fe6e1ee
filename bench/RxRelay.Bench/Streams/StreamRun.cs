using RxRelay.Bench.Cores;
using RxRelay.Bench.Report;
using RxRelay.Bench.Scale;
using RxRelay.Bench.Targets;

namespace RxRelay.Bench.Streams;

/// <summary>
/// <c>--streams N,M</c>: many slow streams at once. The echo backend and every target up for the whole run; for each N,
/// direct, YARP and RxRelay back to back, each with N streams on raw connections (<see cref="StreamLoad"/>). A stream
/// short of one event, or a process that dies, fails the run; a path that cannot start has no numbers. With <c>--cpus</c>,
/// every process is pinned as in the load cells (<see cref="CorePinning"/>) and checked before the first stream: a
/// process off its cores fails the run.
/// </summary>
internal sealed class StreamRun(BenchOptions options, Action<string> log)
{
    private static readonly string[] TargetOrder = ["direct", "yarp", "rxrelay"];

    private readonly StreamSettings _settings = options.Streams;
    private readonly RunNotes _notes = new();
    private readonly CorePinning? _pinning = options.Cpus is { } plan ? new CorePinning(plan) : null;
    private IReadOnlyList<PinnedProcess> _pinned = [];

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var machine = MachineInfo.Read();
        log($"machine: {machine}; open-file limit {FileDescriptorLimit.Describe()}");
        log($"streams: {_settings}");
        var programs = PublishedPrograms.Locate(options.PublishDirectory);
        _pinning?.DescribeAndPinHarness(log);
        using var http = BenchRun.CreateClient();
        var results = new List<StreamCellResult>();
        var (echo, backend) = await EchoBackendProcess.StartAsync(programs, _pinning, cancellationToken).ConfigureAwait(false);
        await using (echo.ConfigureAwait(false))
        {
            var direct = new StreamTarget("direct", backend, "echo", []);
            var expected = await StreamLoad.ProbeEventsAsync(direct.Endpoint, backend, "echo", _settings.Tokens, cancellationToken).ConfigureAwait(false);
            log($"echo backend at {backend}; a {_settings.Tokens}-token stream has {expected} events (data lines, [DONE] included); every stream must have exactly that many");
            var processes = new List<IAsyncDisposable>();
            try
            {
                var targets = new List<StreamTarget>();
                foreach (var name in TargetOrder.Where(options.Targets.Contains))
                {
                    if (await TryStartAsync(name, direct, programs, http, processes, cancellationToken).ConfigureAwait(false) is { } target)
                    {
                        targets.Add(target);
                    }
                }

                _pinned = _pinning?.CheckAndReport(log, Fail) ?? [];
                var cell = new StreamCellMeasurement(_settings, echo, expected, log);
                foreach (var target in targets)
                {
                    if (await cell.WarmUpAsync(target, cancellationToken).ConfigureAwait(false) is { } warmupError)
                    {
                        Fail(warmupError);
                    }
                }

                foreach (var streams in _settings.Sizes)
                {
                    foreach (var target in targets.ToList())
                    {
                        if (echo.HasExited)
                        {
                            Fail(echo.Failure("died; the remaining cells were not run").Message);
                            break;
                        }

                        if (FileDescriptorLimit.Soft() is { } soft && soft < target.FilesNeeded(streams))
                        {
                            Fail($"{target.Name} at {streams} streams was not run: the open-file limit {soft} is below the {target.FilesNeeded(streams)} its busiest process needs; raise it (`ulimit -n {target.FilesNeeded(streams)}` or more, up to the hard limit `ulimit -Hn`; above that, /etc/security/limits.conf or systemd's LimitNOFILE) and run again");
                            continue;
                        }

                        var result = await cell.MeasureAsync(target, streams, cancellationToken).ConfigureAwait(false);
                        results.Add(result);
                        if (!result.Passed)
                        {
                            Fail($"{target.Name} at {streams} streams: {result.Completed}/{streams} complete, {result.Events}/{result.ExpectedEvents} events{(result.ErrorSamples.Count > 0 ? " (" + string.Join(" | ", result.ErrorSamples) + ")" : "")}");
                        }

                        foreach (var death in result.Died)
                        {
                            Fail(death);
                        }

                        if (result.Died.Count > 0)
                        {
                            targets.Remove(target);
                        }
                    }
                }
            }
            finally
            {
                foreach (var process in Enumerable.Reverse(processes))
                {
                    await process.DisposeAsync().ConfigureAwait(false);
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine(StreamTable.Render(machine, _settings, results, _notes.All, options.Cpus, _pinned));
        var output = options.OutputFile ?? Path.Combine(RepositoryRoot.Find(), "artifacts", "bench", "streams.json");
        await StreamJson.WriteAsync(output, machine, _settings, results, _notes.All, CoresReport.Of(options.Cpus, _pinned), cancellationToken).ConfigureAwait(false);
        log($"wrote {output}");
        return _notes.Failed ? 1 : 0;
    }

    private async Task<StreamTarget?> TryStartAsync(
        string name, StreamTarget direct, PublishedPrograms programs, HttpClient http, List<IAsyncDisposable> processes, CancellationToken cancellationToken)
    {
        try
        {
            switch (name)
            {
                case "direct":
                    return direct;
                case "yarp":
                    var (yarp, address) = await YarpProcess.StartAsync(direct.BaseAddress, _pinning, cancellationToken).ConfigureAwait(false);
                    processes.Add(yarp);
                    return new StreamTarget("yarp", address, "echo", [yarp]);
                default:
                    var relay = await StreamRelay.StartAsync(
                        programs, direct.BaseAddress, http, options.RelayEnvironment, _settings.Workers, _settings.ConcurrencyPerWorker, _pinning, cancellationToken).ConfigureAwait(false);
                    processes.Add(relay);
                    log($"rxrelay: proxy at {relay.ProxyAddress}, {_settings.Workers} worker(s) connected");
                    return new StreamTarget("rxrelay", relay.ProxyAddress, RelayProcesses.Model, relay.Processes);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or FileNotFoundException or HttpRequestException)
        {
            Fail($"the {name} path could not run, so it has NO numbers (nothing was faked): {ex.Message}");
            return null;
        }
    }

    private void Fail(string message)
    {
        _notes.Fail(message);
        log("ERROR: " + message);
    }
}
