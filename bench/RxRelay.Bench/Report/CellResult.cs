using RxRelay.Bench.Load;

namespace RxRelay.Bench.Report;

/// <summary>One row of the report and one object of <c>results.json</c>. Times in ms, memory in MiB.</summary>
internal sealed record CellResult
{
    public required string Target { get; init; }

    public required string Workload { get; init; }

    public required int Concurrency { get; init; }

    public required double DurationS { get; init; }

    public required int Requests { get; init; }

    public required double RequestsPerSec { get; init; }

    public required double LatencyP50Ms { get; init; }

    public required double LatencyP90Ms { get; init; }

    public required double LatencyP99Ms { get; init; }

    public double? TtfbP50Ms { get; init; }

    public double? TtfbP99Ms { get; init; }

    public double? ChunksPerSec { get; init; }

    /// <summary>Errors over every round of this cell.</summary>
    public required int Errors { get; init; }

    /// <summary>Requests/s of each round, in the order measured; the reported row is the median one.</summary>
    public IReadOnlyList<double> RoundsRequestsPerSec { get; init; } = [];

    public IReadOnlyList<string> ErrorSamples { get; init; } = [];

    /// <summary>Peak RSS per monitored process during the cell (e.g. <c>rxrelay-proxy</c>, <c>rxrelay-worker</c>, <c>yarp</c>).</summary>
    public IReadOnlyDictionary<string, double> PeakRssMiB { get; init; } = new Dictionary<string, double>();

    /// <summary>CPU time per completed request (warm-up included) of each process in the path, the echo backend and the load generator, in µs.</summary>
    public IReadOnlyDictionary<string, double> CpuUsPerRequest { get; init; } = new Dictionary<string, double>();

    /// <summary>With <c>--cpus</c>: the cores of the system under test (YARP's; proxy ∪ workers; the backend's for direct); null when unpinned.</summary>
    public string? SutCores { get; init; }

    /// <summary>With <c>--cpus</c>: requests/s ÷ the number of <see cref="SutCores"/>; null when unpinned.</summary>
    public double? RequestsPerSecPerSutCore { get; init; }

    /// <summary>RxRelay ÷ direct, RxRelay ÷ YARP; set on RxRelay rows only.</summary>
    public Ratios? VsDirect { get; set; }

    public Ratios? VsYarp { get; set; }

    /// <summary>This row with its per-core figure, when the run was pinned (<paramref name="sutCores"/> not null).</summary>
    public CellResult WithSutCores(Cores.CoreSet? sutCores) => sutCores is null ? this : this with
    {
        SutCores = sutCores.ToString(),
        RequestsPerSecPerSutCore = RequestsPerSec / sutCores.Count,
    };

    /// <summary>Builds a row from a measurement.</summary>
    public static CellResult From(string target, Workload workload, int concurrency, CellMeasurement m, IReadOnlyDictionary<string, double> peakRss)
    {
        var (p50, p90, p99) = Percentiles.Of(m.LatenciesMs);
        var seconds = m.Duration.TotalSeconds;
        var result = new CellResult
        {
            Target = target,
            Workload = workload.Name,
            Concurrency = concurrency,
            DurationS = seconds,
            Requests = m.Requests,
            RequestsPerSec = m.Requests / seconds,
            LatencyP50Ms = p50,
            LatencyP90Ms = p90,
            LatencyP99Ms = p99,
            Errors = m.Errors,
            ErrorSamples = m.ErrorSamples,
            PeakRssMiB = peakRss,
        };
        if (!workload.Streaming)
        {
            return result;
        }

        var (t50, _, t99) = Percentiles.Of(m.TtfbMs);
        return result with { TtfbP50Ms = t50, TtfbP99Ms = t99, ChunksPerSec = m.Chunks / seconds };
    }
}

/// <summary>RxRelay's figure divided by a baseline's, per metric (&gt; 1 means RxRelay's number is larger).</summary>
internal sealed record Ratios(double RequestsPerSec, double LatencyP50, double LatencyP99, double? ChunksPerSec, double? TtfbP50)
{
    public static Ratios Of(CellResult relay, CellResult baseline) => new(
        relay.RequestsPerSec / baseline.RequestsPerSec,
        relay.LatencyP50Ms / baseline.LatencyP50Ms,
        relay.LatencyP99Ms / baseline.LatencyP99Ms,
        relay.ChunksPerSec / baseline.ChunksPerSec,
        relay.TtfbP50Ms / baseline.TtfbP50Ms);
}
