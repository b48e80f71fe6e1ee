using System.Globalization;
using RxRelay.Bench.Streams;
using RxRelay.Bench.Cores;

namespace RxRelay.Bench;

/// <summary>What one harness run does. Built once from the command line, never mutated.</summary>
internal sealed record BenchOptions
{
    /// <summary><c>--duration</c>: measured seconds per load cell (default 10).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>--warmup</c>: seconds of unrecorded load before each cell is measured (default 2).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary><c>--start-warmup</c>: seconds of unrecorded chat and then stream load on every target before the first cell (default 3; 0 skips).</summary>
    public TimeSpan StartWarmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary><c>--rounds</c>: how many times every cell is measured; the round with the median requests/s is reported (default 1).</summary>
    public int Rounds { get; init; } = 1;

    /// <summary><c>--scale-workers</c>: idle-worker fleet sizes for the scale cell (default 1000,5000; 0 is always measured first).</summary>
    public IReadOnlyList<int> ScaleWorkers { get; init; } = [1000, 5000];

    /// <summary><c>--scale-requests</c>: sequential probe requests per fleet size (default 1000; about 0.1 s of probing at loopback latencies).</summary>
    public int ScaleRequests { get; init; } = 1000;

    /// <summary><c>--publish-dir</c>: where <c>dotnet cake --target=Publish</c> put the programs (default: <c>artifacts/publish</c> of the repository).</summary>
    public string? PublishDirectory { get; init; }

    /// <summary><c>--out</c>: the JSON results file (default: <c>artifacts/bench/results.json</c> of the repository).</summary>
    public string? OutputFile { get; init; }

    /// <summary><c>--only</c>: comma-separated target names (direct, yarp, rxrelay) to measure; default all three.</summary>
    public IReadOnlySet<string> Targets { get; init; } = new HashSet<string>(["direct", "yarp", "rxrelay"], StringComparer.Ordinal);

    /// <summary><c>--cells</c>: the load cells to run as <c>workload:concurrency</c> pairs; default all four.</summary>
    public IReadOnlySet<string> Cells { get; init; } = new HashSet<string>(AllCells, StringComparer.Ordinal);

    /// <summary>Every load cell, in the order they run.</summary>
    public static IReadOnlyList<string> AllCells { get; } = ["chat:1", "chat:64", "stream200:1", "stream200:16"];

    /// <summary>Cells run only when <c>--cells</c> names them: heavier load than the default run needs (issue 16's concurrency 256).</summary>
    public static IReadOnlyList<string> ExtraCells { get; } = ["chat:256"];

    /// <summary><c>--relay-env KEY=VALUE</c> (repeatable): added to the environment of the RxRelay proxy and worker only.</summary>
    public IReadOnlyDictionary<string, string> RelayEnvironment { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary><c>--cpus</c>: the cores of every process of the load cells and of the streams cell; null leaves them unpinned (the default).</summary>
    public CpuPlan? Cpus { get; init; }

    /// <summary><c>--workers</c>: how many <c>rxrelay-worker</c> processes serve the rxrelay target (default 1).</summary>
    public int Workers { get; init; } = 1;

    /// <summary><c>--no-scale</c>: skip the idle-worker scale cell.</summary>
    public bool SkipScale { get; init; }

    /// <summary><c>--micro</c>: run the BenchmarkDotNet codec micro-benchmarks instead of the load cells.</summary>
    public bool Micro { get; init; }

    /// <summary>
    /// <c>--cluster</c>: instead of the direct/yarp/rxrelay cells, measure a request forwarded between two cluster
    /// replicas against the same request run locally (a throwaway PostgreSQL, two proxies, one worker). Its rounds
    /// default to <see cref="DefaultClusterRounds"/>.
    /// </summary>
    public bool Cluster { get; init; }

    /// <summary>Rounds of the cluster cell when <c>--rounds</c> is not given: local and forwarded alternate, and one round is too noisy here.</summary>
    public const int DefaultClusterRounds = 3;

    /// <summary><c>--streams</c> and its <c>--stream-*</c> knobs: run the many-slow-streams cell instead of the load cells.</summary>
    public StreamSettings Streams { get; init; } = new();

    /// <summary>Set when parsing failed; the text names the flag.</summary>
    public string? Error { get; init; }

    /// <summary>Set by <c>--help</c>.</summary>
    public bool Help { get; init; }

    public const string Usage = """
        rxrelay-bench: direct vs one-hop YARP vs RxRelay on loopback, plus an idle-worker scale cell;
        with --cluster, a request forwarded between two cluster replicas vs the same request run locally.

        usage: rxrelay-bench [options]
          --duration SECS        measured seconds per load cell [default: 10]
          --warmup SECS          unrecorded warm-up seconds per cell [default: 2]
          --start-warmup SECS    unrecorded load per target and workload before the first cell [default: 3]
          --rounds N             measure every cell (and the scale steps) N times, report the median round [default: 1]
          --quick                CI-size run: --duration 2 --warmup 1 --scale-workers 200 --scale-requests 50
          --scale-workers N,M    idle-worker fleet sizes [default: 1000,5000]
          --scale-requests N     sequential probe requests per fleet size [default: 1000]
          --only LIST            targets to load: direct,yarp,rxrelay [default: all]
          --cells LIST           load cells to run: chat:1,chat:64,stream200:1,stream200:16, and chat:256 when
                                 named [default: the first four]
          --relay-env KEY=VALUE  add to the RxRelay proxy's and worker's environment (repeatable; tuning experiments)
          --cpus SPEC            pin the processes of the load cells (and of the streams cell) to cores, checked
                                 in /proc and reported:
                                 auto (backend = lowest quarter of the cores, load generator = next quarter,
                                 each rounded down and at least 1, system under test = the rest) or
                                 backend=LIST,load=LIST,sut=LIST[,proxy=LIST][,workers=LIST] (LIST: 0-3,8,…;
                                 sut may be left out when proxy and workers are given: YARP then gets
                                 the proxy's cores) [default: unpinned]
          --workers N            rxrelay-worker processes behind the proxy [default: 1; streams cell: 4, each
                                 --max-concurrency ceil(max N / workers)]
          --no-scale             skip the idle-worker scale cell
          --publish-dir DIR      published programs [default: <repo>/artifacts/publish]
          --out FILE             results JSON [default: <repo>/artifacts/bench/results.json]
          --micro                run the ProtocolCodec micro-benchmarks (BenchmarkDotNet) instead
          --cluster              run the cluster cell instead: the --cells load at cluster replica B (local,
                                 its own worker) and at replica A (no worker: every request forwarded to B),
                                 alternated per cell and round, medians and forwarded-vs-local cost reported;
                                 needs PostgreSQL's server programs (initdb, pg_ctl; RXRELAY_PG_BIN) [default
                                 rounds: 3; results: <repo>/artifacts/bench/cluster.json]
          --streams N,M          run the streams cell instead: N concurrent slow streams per target (direct, yarp,
                                 rxrelay), one raw connection each, every event must arrive [results:
                                 <repo>/artifacts/bench/streams.json]
          --stream-tokens K      tokens per stream (x-echo-tokens) [default: 20]
          --stream-delay-ms D    delay before each token (x-echo-delay-ms) [default: 250]
          --stream-ramp R        streams opened per second, evenly spaced [default: 5000]
          --help                 this text

        Exit code 0 only when every request of every cell succeeded and every requested target ran.
        """;

    /// <summary>Parses the command line. Later flags win, so <c>--quick --duration 5</c> keeps 5 s.</summary>
    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        var roundsGiven = false;
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            roundsGiven |= flag == "--rounds";
            string Next() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{flag} needs a value");
            try
            {
                options = flag switch
                {
                    "--duration" => options with { Duration = Seconds(flag, Next()) },
                    "--warmup" => options with { Warmup = Seconds(flag, Next(), allowZero: true) },
                    "--quick" => options with
                    {
                        Duration = TimeSpan.FromSeconds(2),
                        Warmup = TimeSpan.FromSeconds(1),
                        ScaleWorkers = [200],
                        ScaleRequests = 50,
                    },
                    "--start-warmup" => options with { StartWarmup = Seconds(flag, Next(), allowZero: true) },
                    "--rounds" => options with { Rounds = Count(flag, Next()) },
                    "--scale-workers" => options with { ScaleWorkers = Counts(flag, Next()) },
                    "--scale-requests" => options with { ScaleRequests = Count(flag, Next()) },
                    "--only" => options with { Targets = TargetNames(Next()) },
                    "--cells" => options with { Cells = CellNames(Next()) },
                    "--relay-env" => options with { RelayEnvironment = WithVariable(options.RelayEnvironment, Next()) },
                    "--cpus" => options with { Cpus = CpuPlan.Parse(Next(), Affinity.Available()) },
                    "--workers" => Count(flag, Next()) is var workers ? options with { Workers = workers, Streams = options.Streams with { Workers = workers } } : options,
                    "--no-scale" => options with { SkipScale = true },
                    "--publish-dir" => options with { PublishDirectory = Next() },
                    "--out" => options with { OutputFile = Next() },
                    "--micro" => options with { Micro = true },
                    "--cluster" => options with { Cluster = true },
                    "--streams" => options with { Streams = options.Streams with { Sizes = Counts(flag, Next()) } },
                    "--stream-tokens" => options with { Streams = options.Streams with { Tokens = Count(flag, Next()) } },
                    "--stream-delay-ms" => options with { Streams = options.Streams with { DelayMs = Count(flag, Next()) } },
                    "--stream-ramp" => options with { Streams = options.Streams with { RampPerSecond = Count(flag, Next()) } },
                    "--help" or "-h" => options with { Help = true },
                    _ => throw new FormatException($"unknown flag '{flag}' (see --help)"),
                };
            }
            catch (FormatException ex)
            {
                return options with { Error = "error: " + ex.Message };
            }
        }

        if (options.Streams.Enabled && (options.Cluster || options.Micro))
        {
            return options with { Error = "error: --streams excludes --cluster and --micro" };
        }

        return !options.Cluster ? options
            : options.Micro ? options with { Error = "error: --cluster and --micro exclude each other" }
            : args.Contains("--only") ? options with { Error = "error: --only does not apply to --cluster (it always measures local against forwarded)" }
            : args.Contains("--cpus") || args.Contains("--workers") ? options with { Error = "error: --cpus and --workers do not apply to --cluster" }
            : roundsGiven ? options
            : options with { Rounds = DefaultClusterRounds };
    }

    private static TimeSpan Seconds(string flag, string value, bool allowZero = false) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && (s > 0 || (allowZero && s == 0)) && s < 3600
            ? TimeSpan.FromSeconds(s)
            : throw new FormatException($"{flag}: '{value}' is not a number of seconds ({(allowZero ? ">= 0" : "> 0")}, < 3600)");

    private static int Count(string flag, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new FormatException($"{flag}: '{value}' is not a positive integer");

    private static int[] Counts(string flag, string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => Count(flag, v))];

    private static HashSet<string> TargetNames(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var unknown = names.Except(["direct", "yarp", "rxrelay"]).ToList();
        return unknown.Count == 0 && names.Count > 0
            ? names
            : throw new FormatException($"--only: unknown target(s) {string.Join(", ", unknown)}; expected direct, yarp, rxrelay");
    }

    private static HashSet<string> CellNames(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        var unknown = names.Except(AllCells).Except(ExtraCells).ToList();
        return unknown.Count == 0 && names.Count > 0
            ? names
            : throw new FormatException($"--cells: unknown cell(s) {string.Join(", ", unknown)}; expected {string.Join(", ", AllCells.Concat(ExtraCells))}");
    }

    private static Dictionary<string, string> WithVariable(IReadOnlyDictionary<string, string> current, string value)
    {
        var separator = value.IndexOf('=', StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw new FormatException($"--relay-env: '{value}' is not KEY=VALUE");
        }

        return new Dictionary<string, string>(current, StringComparer.Ordinal) { [value[..separator]] = value[(separator + 1)..] };
    }
}
