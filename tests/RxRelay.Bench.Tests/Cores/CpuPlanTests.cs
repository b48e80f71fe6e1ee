using RxRelay.Bench.Cores;

namespace RxRelay.Bench.Tests.Cores;

public sealed class CpuPlanTests
{
    private static CpuPlan Parse(string spec, string available) => CpuPlan.Parse(spec, CoreSet.Parse(available));

    private static string[] Groups(CpuPlan plan) =>
        [plan.Backend.ToString(), plan.Load.ToString(), plan.Sut.ToString(), plan.Proxy.ToString(), plan.Workers.ToString()];

    [Theory]
    [InlineData("0-15", "0-3", "4-7", "8-15")]
    [InlineData("0-7", "0-1", "2-3", "4-7")]
    [InlineData("0-4", "0", "1", "2-4")]
    [InlineData("0-3", "0", "1", "2-3")]
    [InlineData("0-2", "0", "1", "2")]
    [InlineData("2,4-6,9", "2", "4", "5-6,9")]
    public void Auto_QuarterQuarterRest_OnTheAvailableCores(string available, string backend, string load, string sut)
        => Assert.Equal([backend, load, sut, sut, sut], Groups(Parse("auto", available)));

    [Fact]
    public void Auto_TwoCores_BackendAndLoadShareTheFirst_AndSaySo()
    {
        var plan = Parse("auto", "0-1");

        Assert.Equal(["0", "0", "1", "1", "1"], Groups(plan));
        Assert.Equal(
            "  SHARED: backend and load generator share core(s) 0: they compete for them, so they are not isolated",
            Assert.Single(plan.Describe(), l => l.Contains("SHARED", StringComparison.Ordinal)));
    }

    [Fact]
    public void Auto_OneCore_EverythingOnIt()
        => Assert.Equal(["0", "0", "0", "0", "0"], Groups(Parse("auto", "0")));

    [Fact]
    public void Auto_SixteenCores_NothingShared()
        => Assert.DoesNotContain(Parse("auto", "0-15").Describe(), l => l.Contains("SHARED", StringComparison.Ordinal));

    [Fact]
    public void Explicit_ListsAndRanges_ItemsWithoutEqualsContinueTheGroup()
        => Assert.Equal(["0,2", "4-5", "8-11,14", "8-11,14", "8-11,14"], Groups(Parse("backend=0,2,load=4-5, sut=14,8-11", "0-15")));

    [Fact]
    public void Explicit_ProxyAndWorkersWithoutSut_YarpGetsTheProxysCores()
    {
        var plan = Parse("backend=0-3,load=4-7,proxy=8-11,workers=12-15", "0-15");

        Assert.Equal(["0-3", "4-7", "8-11", "8-11", "12-15"], Groups(plan));
        Assert.Equal("8-15", plan.SutOf("rxrelay").ToString());
        Assert.Equal("8-11", plan.SutOf("yarp").ToString());
        Assert.Equal("0-3", plan.SutOf("direct").ToString());
    }

    [Fact]
    public void Explicit_ProxyAlone_WorkersDefaultToSut()
        => Assert.Equal(["0", "1", "2-3", "2", "2-3"], Groups(Parse("backend=0,load=1,sut=2-3,proxy=2", "0-3")));

    [Theory]
    [InlineData("", "--cpus: '' comes before any group; expected auto or e.g. backend=0-3,load=4-7,sut=8-15")]
    [InlineData("0-3", "--cpus: '0-3' comes before any group; expected auto or e.g. backend=0-3,load=4-7,sut=8-15")]
    [InlineData("backend=0,load=1,gpu=2", "--cpus: unknown group 'gpu'; expected auto or groups backend, load, sut, proxy, workers")]
    [InlineData("backend=0,load=1,sut=2,load=3", "--cpus: group load given twice")]
    [InlineData("backend=0,load=1", "--cpus: no sut= group (nor both proxy= and workers=)")]
    [InlineData("backend=0,load=1,proxy=2", "--cpus: no sut= group (nor both proxy= and workers=)")]
    [InlineData("load=1,sut=2", "--cpus: no backend= group; expected auto or backend=LIST,load=LIST,sut=LIST (see --help)")]
    [InlineData("backend=0,load=x,sut=2", "--cpus: 'x' is not a core number or range (e.g. 4 or 4-7)")]
    [InlineData("backend=0,load=-1,sut=2", "--cpus: '-1' is not a core number or range (e.g. 4 or 4-7)")]
    [InlineData("backend=0,load=3-1,sut=2", "--cpus: range '3-1' runs backwards")]
    [InlineData("backend=0,load=,sut=2", "--cpus: 'load=' has an empty core list item")]
    [InlineData("backend=0,load=1,sut=2-99999999", "--cpus: core 99999999 in '2-99999999' is beyond 4095")]
    [InlineData("backend=0,load=1,sut=2-9", "--cpus: core(s) 8-9 in sut not available: this machine lets the harness use 0-7")]
    [InlineData("backend=0,load=1,sut=2,workers=3,12", "--cpus: core(s) 12 in workers not available: this machine lets the harness use 0-7")]
    public void Parse_BadSpec_IsAnErrorSayingWhat(string spec, string message)
        => Assert.Equal(message, Assert.Throws<FormatException>(() => Parse(spec, "0-7")).Message);

    [Fact]
    public void CoreSet_PrintsLikeTheKernel_AscendingWithRunsFolded()
        => Assert.Equal("0-3,8,10-11", CoreSet.Parse("11,3,0-2,8,10,2").ToString());

    [Theory]
    [InlineData("0-1", new[] { "0-1" }, true)]
    [InlineData("0-1", new[] { "0-1", "0", "1" }, true)] // server GC threads, one core each
    [InlineData("0-1", new[] { "0", "1" }, false)] // no thread may use the whole set
    [InlineData("1", new[] { "1", "0-1" }, false)]
    [InlineData("2-3", new[] { "2-3", "4" }, false)]
    public void PinnedProcess_Ok_EveryThreadInsideTheSetAndOneOnAllOfIt(string asked, string[] got, bool ok)
        => Assert.Equal(ok, new PinnedProcess("p", 1, asked, got, got.Length).Ok);
}
