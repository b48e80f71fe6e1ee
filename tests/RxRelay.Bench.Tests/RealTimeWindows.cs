namespace RxRelay.Bench.Tests;

/// <summary>
/// Tests with a real-time measured window (half a second of closed-loop load) run alone: on a loaded two-core box
/// the pure tests of the other classes, run beside them, took the CPU and the window closed before the first
/// request was sent (seen on 3 of 6 runs once the cluster tests were added; 0 of 3 alone).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealTimeWindows
{
    public const string Name = "real-time windows";
}
