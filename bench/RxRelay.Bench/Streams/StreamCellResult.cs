using RxRelay.Bench.Load;

namespace RxRelay.Bench.Streams;

/// <summary>One row of the streams report and one object of <c>streams.json</c>. Times in ms, memory in MiB.</summary>
internal sealed record StreamCellResult
{
    public required string Target { get; init; }

    public required int Streams { get; init; }

    public required int Completed { get; init; }

    public required long Events { get; init; }

    public required long ExpectedEvents { get; init; }

    public required int Errors { get; init; }

    public IReadOnlyList<string> ErrorSamples { get; init; } = [];

    public required int PeakOpen { get; init; }

    public required double RampS { get; init; }

    public required double WallS { get; init; }

    public required double TtfbP50Ms { get; init; }

    public required double TtfbP99Ms { get; init; }

    public required double DurationP50Ms { get; init; }

    public required double DurationP99Ms { get; init; }

    /// <summary>Events delivered ÷ wall time.</summary>
    public required double EventsPerSec { get; init; }

    /// <summary>What a generator that is not the limit would see: every event, streams as long as the backend makes them, ÷ (ramp + one stream).</summary>
    public required double IdealEventsPerSec { get; init; }

    /// <summary>CPU µs per delivered event of each process (path, echo backend, load generator), the ramp and tail included.</summary>
    public IReadOnlyDictionary<string, double> CpuUsPerEvent { get; init; } = new Dictionary<string, double>();

    /// <summary>The load generator's CPU time ÷ wall time: how many cores it kept busy.</summary>
    public double? GeneratorCores { get; init; }

    /// <summary>Peak RSS of each process during the cell (<c>VmHWM</c>, reset before it).</summary>
    public IReadOnlyDictionary<string, double> PeakRssMiB { get; init; } = new Dictionary<string, double>();

    /// <summary>Each process that died during the cell, with its last output lines: a failed cell.</summary>
    public IReadOnlyList<string> Died { get; init; } = [];

    /// <summary>True when every stream delivered every event and nothing died.</summary>
    public bool Passed => Errors == 0 && Completed == Streams && Events == ExpectedEvents && Died.Count == 0;

    public static StreamCellResult From(string target, StreamLoadResult load, TimeSpan streamTime) => new()
    {
        Target = target,
        Streams = load.Streams,
        Completed = load.Completed,
        Events = load.Events,
        ExpectedEvents = load.ExpectedEvents,
        Errors = load.Errors,
        ErrorSamples = load.ErrorSamples,
        PeakOpen = load.PeakOpen,
        RampS = load.RampSeconds,
        WallS = load.WallSeconds,
        TtfbP50Ms = Percentiles.Of(load.TtfbMs).P50,
        TtfbP99Ms = Percentiles.At(load.TtfbMs, 99),
        DurationP50Ms = Percentiles.Of(load.DurationMs).P50,
        DurationP99Ms = Percentiles.At(load.DurationMs, 99),
        EventsPerSec = load.EventsPerSecond,
        IdealEventsPerSec = load.ExpectedEvents / (load.RampSeconds + streamTime.TotalSeconds),
    };
}
