using RxRelay.Bench;
using RxRelay.Bench.Cluster;
using RxRelay.Bench.Micro;
using RxRelay.Bench.Streams;
using RxRelay.Bench.Targets;

// rxrelay-bench: see BenchOptions.Usage. `yarp-host` is the internal mode in which the harness runs
// its YARP baseline as a child process of itself.
if (args is [YarpProxyHost.Mode, ..])
{
    return await YarpProxyHost.RunAsync(args[1..]);
}

var options = BenchOptions.Parse(args);
if (options.Help)
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

if (options.Error is not null)
{
    Console.Error.WriteLine(options.Error);
    return 2;
}

if (options.Micro)
{
    return MicroBenchmarks.Run(Path.Combine(RepositoryRoot.Find(), "artifacts", "bench", "micro"));
}

ChildProcessRegistry.Install();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // finish through the finally blocks, which stop every child
    stop.Cancel();
};

try
{
    Action<string> log = line => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
    return options.Cluster ? await new ClusterRun(options, log).RunAsync(stop.Token)
        : options.Streams.Enabled ? await new StreamRun(options, log).RunAsync(stop.Token)
        : await new BenchRun(options, log).RunAsync(stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("interrupted; children stopped");
    return 130;
}
catch (Exception ex) when (ex is FileNotFoundException or InvalidOperationException or HttpRequestException)
{
    // Nothing could be measured at all (e.g. no published echo backend): say why, no stack trace.
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
