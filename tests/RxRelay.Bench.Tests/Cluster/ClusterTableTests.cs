using RxRelay.Bench.Cluster;
using RxRelay.Bench.Report;

namespace RxRelay.Bench.Tests.Cluster;

public sealed class ClusterTableTests
{
    [Fact]
    public void Render_ShowsBothModesAndTheCostRow()
    {
        var local = new ModeSummary(1000, 1.0, 4.0, null, null, 250, 5000, 0, [1000, 990]);
        var forwarded = new ModeSummary(800, 1.5, 5.25, null, null, 400, 4000, 0, [800, 790]);
        var comparison = new ClusterComparison("chat", 64, local, forwarded, 0.8, 0.5, -1.25, null);
        var machine = new MachineInfo(2, "cpu", 1, ".NET", "linux", "0 0 0");

        var lines = ClusterTable.Render(machine, BenchOptions.Parse(["--cluster"]), [comparison], ["a note"]).ReplaceLineEndings("\n").Split('\n');

        Assert.Contains("| chat | 64 | local | 1000 | 1.000 | 4.000 | - | - | 250 | 5000 | 0 | 1000, 990 |", lines);
        Assert.Contains("| chat | 64 | forwarded | 800 | 1.500 | 5.250 | - | - | 400 | 4000 | 0 | 800, 790 |", lines);
        Assert.Contains("| chat | 64 | 0.80x | +0.500 | -1.250 | - |", lines);
        Assert.Contains("NOTE: a note", lines);
    }
}
