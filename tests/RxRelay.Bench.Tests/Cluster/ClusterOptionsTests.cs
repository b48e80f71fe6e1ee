namespace RxRelay.Bench.Tests.Cluster;

public sealed class ClusterOptionsTests
{
    [Fact]
    public void Cluster_Flag_SelectsTheClusterCell_WithThreeRoundsByDefault()
    {
        var options = BenchOptions.Parse(["--cluster"]);

        Assert.Null(options.Error);
        Assert.True(options.Cluster);
        Assert.Equal(3, options.Rounds);
    }

    [Theory]
    [InlineData("--cluster", "--rounds", "5")]
    [InlineData("--rounds", "5", "--cluster")]
    public void Cluster_WithRounds_KeepsTheRoundsGiven_InEitherOrder(string a, string b, string c)
        => Assert.Equal(5, BenchOptions.Parse([a, b, c]).Rounds);

    [Fact]
    public void Cluster_Absent_RoundsStayOne_AndTheFlagIsOff()
    {
        var options = BenchOptions.Parse(["--cells", "chat:1"]);

        Assert.False(options.Cluster);
        Assert.Equal(1, options.Rounds);
    }

    [Fact]
    public void Cluster_TakesCellsAndDurations_LikeTheOtherCells()
    {
        var options = BenchOptions.Parse(["--cluster", "--cells", "chat:64,stream200:16", "--duration", "4", "--warmup", "1"]);

        Assert.Null(options.Error);
        Assert.Equal(["chat:64", "stream200:16"], options.Cells.Order(StringComparer.Ordinal));
        Assert.Equal(TimeSpan.FromSeconds(4), options.Duration);
        Assert.Equal(TimeSpan.FromSeconds(1), options.Warmup);
    }

    [Fact]
    public void Cluster_WithMicro_IsAnError()
        => Assert.Equal("error: --cluster and --micro exclude each other", BenchOptions.Parse(["--micro", "--cluster"]).Error);

    [Fact]
    public void Cluster_WithOnly_IsAnError()
        => Assert.Equal(
            "error: --only does not apply to --cluster (it always measures local against forwarded)",
            BenchOptions.Parse(["--cluster", "--only", "rxrelay"]).Error);

    [Fact]
    public void Usage_DocumentsTheClusterFlag()
        => Assert.Contains("\n  --cluster              run the cluster cell instead", BenchOptions.Usage.ReplaceLineEndings("\n"), StringComparison.Ordinal);
}
