using RxRelay.Bench.Cores;

namespace RxRelay.Bench.Tests.Cores;

public sealed class BenchOptionsCoresTests
{
    [Fact]
    public void Cpus_DefaultUnpinned_WorkersDefaultOne()
    {
        var options = BenchOptions.Parse([]);

        Assert.Equal((null, 1), (options.Cpus, options.Workers));
    }

    [Fact]
    public void Cpus_Auto_PlansOnTheCoresThisProcessMayUse()
    {
        var options = BenchOptions.Parse(["--cpus", "auto", "--workers", "8"]);

        Assert.Null(options.Error);
        Assert.Equal(("auto", Affinity.Available(), 8), (options.Cpus!.Spec, options.Cpus.Available, options.Workers));
    }

    [Fact]
    public void Cpus_CoreTheMachineDoesNotHave_IsAnErrorNamingIt()
        => Assert.Equal(
            $"error: --cpus: core(s) 4095 in sut not available: this machine lets the harness use {Affinity.Available()}",
            BenchOptions.Parse(["--cpus", "backend=0,load=0,sut=4095"]).Error);

    [Theory]
    [InlineData("0")]
    [InlineData("x")]
    public void Workers_NotAPositiveInteger_IsAnError(string value)
        => Assert.Equal($"error: --workers: '{value}' is not a positive integer", BenchOptions.Parse(["--workers", value]).Error);

    [Theory]
    [InlineData("--cpus", "auto")]
    [InlineData("--workers", "2")]
    public void CpusAndWorkers_WithCluster_AreAnError(string flag, string value)
        => Assert.Equal("error: --cpus and --workers do not apply to --cluster", BenchOptions.Parse(["--cluster", flag, value]).Error);
}
