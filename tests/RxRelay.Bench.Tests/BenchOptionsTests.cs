namespace RxRelay.Bench.Tests;

public sealed class BenchOptionsTests
{
    [Fact]
    public void Cells_DefaultIsAllFour_AndAListSelectsSome()
    {
        Assert.Equal(["chat:1", "chat:64", "stream200:1", "stream200:16"], BenchOptions.Parse([]).Cells.Order(StringComparer.Ordinal));
        Assert.Equal(["chat:64", "stream200:16"], BenchOptions.Parse(["--cells", "chat:64, stream200:16"]).Cells.Order(StringComparer.Ordinal));
        Assert.Equal(["chat:256", "chat:64"], BenchOptions.Parse(["--cells", "chat:64,chat:256"]).Cells.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Cells_UnknownCell_IsAnErrorNamingIt()
        => Assert.Equal(
            "error: --cells: unknown cell(s) chat:2; expected chat:1, chat:64, stream200:1, stream200:16, chat:256",
            BenchOptions.Parse(["--cells", "chat:1,chat:2"]).Error);

    [Fact]
    public void RelayEnv_Repeatable_LaterWins_ValueMayContainEquals()
    {
        var options = BenchOptions.Parse(["--relay-env", "A=1", "--relay-env", "B=x=y", "--relay-env", "A=2"]);

        Assert.Null(options.Error);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "2", ["B"] = "x=y" }, options.RelayEnvironment);
    }

    [Theory]
    [InlineData("NOEQUALS")]
    [InlineData("=value")]
    public void RelayEnv_WithoutAKey_IsAnError(string value)
        => Assert.Equal($"error: --relay-env: '{value}' is not KEY=VALUE", BenchOptions.Parse(["--relay-env", value]).Error);

    [Fact]
    public void StartWarmup_DefaultsTo3Seconds_ZeroSkipsIt()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), BenchOptions.Parse([]).StartWarmup);
        Assert.Equal(TimeSpan.Zero, BenchOptions.Parse(["--start-warmup", "0"]).StartWarmup);
        Assert.Equal(TimeSpan.FromSeconds(3), BenchOptions.Parse(["--quick"]).StartWarmup);
    }
}
