using RxRelay.Bench.Cores;

namespace RxRelay.Bench.Tests.Cores;

/// <summary><see cref="CorePinning.Report"/>: one <c>cores:</c> line per process, one failure per process off its cores.</summary>
public sealed class CorePinningReportTests
{
    [Fact]
    public void Report_EveryProcessOnItsCores_LogsEach_FailsNone()
    {
        var (log, failures) = Report(
        [
            new(CorePinning.LoadGenerator, 10, "1", ["1"], 20),
            new("rxrelay-proxy", 11, "2-3", ["2-3", "2", "3"], 30),
        ]);

        Assert.Equal(
        [
            "cores: load-generator (pid 10): asked 1, got 1 on all 20 thread(s)",
            "cores: rxrelay-proxy (pid 11): asked 2-3, got 2-3 / 2 / 3 on 30 thread(s)",
        ], log);
        Assert.Empty(failures);
    }

    [Fact]
    public void Report_ProcessOffItsCores_FailsWithItsLine()
    {
        var (log, failures) = Report(
        [
            new("echo-backend", 9, "0", ["0"], 12),
            new("rxrelay-worker-2", 13, "2-3", ["0-3"], 15),
        ]);

        Assert.Equal("cores: rxrelay-worker-2 (pid 13): asked 2-3, got 0-3 on 15 thread(s) MISMATCH", log[1]);
        Assert.Equal(["--cpus: rxrelay-worker-2 (pid 13): asked 2-3, got 0-3 on 15 thread(s) MISMATCH (exit code 1)"], failures);
    }

    private static (List<string> Log, List<string> Failures) Report(IReadOnlyList<PinnedProcess> pinned)
    {
        var (log, failures) = (new List<string>(), new List<string>());
        CorePinning.Report(pinned, log.Add, failures.Add);
        return (log, failures);
    }
}
