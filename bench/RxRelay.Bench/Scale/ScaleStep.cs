namespace RxRelay.Bench.Scale;

/// <summary>One fleet size of the scale cell. Times in ms.</summary>
internal sealed record ScaleStep
{
    /// <summary>Idle workers connected besides the probe worker.</summary>
    public required int IdleWorkers { get; init; }

    /// <summary>Proxy RSS with this fleet connected (MiB).</summary>
    public required double ProxyRssMiB { get; init; }

    /// <summary>(RSS now − RSS with no idle workers) ÷ idle workers, in KiB; null at 0.</summary>
    public double? ProxyRssPerWorkerKiB { get; init; }

    /// <summary>Seconds it took to connect and register the workers added at this step.</summary>
    public required double ConnectSeconds { get; init; }

    public required int Requests { get; init; }

    public required double LatencyP50Ms { get; init; }

    public required double LatencyP99Ms { get; init; }

    /// <summary>p50 of every round, in the order measured.</summary>
    public IReadOnlyList<double> RoundsP50Ms { get; init; } = [];

    public required int Errors { get; init; }

    public IReadOnlyList<string> ErrorSamples { get; init; } = [];
}
