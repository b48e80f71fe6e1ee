using RxRelay.Proxy.Configuration;

namespace RxRelay.Proxy.Tests.Configuration;

public sealed class MetricsOptionsTests
{
    private static ProxyOptionsParseResult Parse(string[] args, Dictionary<string, string>? env = null) =>
        ProxyOptionsParser.Parse(args, name => env is not null && env.TryGetValue(name, out var v) ? v : null);

    [Fact]
    public void Parse_NothingGiven_MetricsOnApiPort()
    {
        var options = Parse([]).Options!;

        Assert.True(options.Metrics);
        Assert.Null(options.MetricsListen);
    }

    [Fact]
    public void Parse_MetricsOffFlag_Off() => Assert.False(Parse(["--metrics", "off"]).Options!.Metrics);

    [Fact]
    public void Parse_MetricsOffEnvironment_Off() =>
        Assert.False(Parse([], new() { ["RXRELAY_METRICS"] = "off" }).Options!.Metrics);

    [Fact]
    public void Parse_MetricsListenEnvironment_Set() =>
        Assert.Equal("127.0.0.1:9464", Parse([], new() { ["RXRELAY_METRICS_LISTEN"] = "127.0.0.1:9464" }).Options!.MetricsListen);

    [Fact]
    public void Parse_MetricsBadValue_ClearError() =>
        Assert.Equal(
            ["error: invalid value for --metrics / RXRELAY_METRICS (from --metrics): 'yes' is not 'on' or 'off'"],
            Parse(["--metrics", "yes"]).Errors);

    [Fact]
    public void Parse_MetricsListenBadAddress_ClearError() =>
        Assert.Equal(
            ["error: invalid value for --metrics-listen / RXRELAY_METRICS_LISTEN (from RXRELAY_METRICS_LISTEN): 'nowhere' is not a socket address like 127.0.0.1:8080"],
            Parse([], new() { ["RXRELAY_METRICS_LISTEN"] = "nowhere" }).Errors);

    [Fact]
    public void Parse_MetricsListenWithMetricsOff_Refused() =>
        Assert.Equal(
            ["error: --metrics-listen / RXRELAY_METRICS_LISTEN ('127.0.0.1:9464') needs --metrics on"],
            Parse(["--metrics", "off", "--metrics-listen", "127.0.0.1:9464"]).Errors);

    [Fact]
    public void Parse_MetricsListenSameAsListen_Refused() =>
        Assert.Equal(
            ["error: --metrics-listen / RXRELAY_METRICS_LISTEN ('127.0.0.1:8080') must differ from --listen / LISTEN_ADDR"],
            Parse(["--metrics-listen", "127.0.0.1:8080"]).Errors);

    [Fact]
    public void HelpText_MetricsFlags_ShowDefaultsFromConstants()
    {
        var help = ProxyOptionsParser.HelpText();

        Assert.Contains("--metrics <VALUE>", help, StringComparison.Ordinal);
        Assert.Contains($"[default: {ProxyOptions.DefaultMetrics}] [env: RXRELAY_METRICS]", help, StringComparison.Ordinal);
        Assert.Contains("[env: RXRELAY_METRICS_LISTEN]", help, StringComparison.Ordinal);
    }
}
