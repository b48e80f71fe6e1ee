using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Configuration;

namespace RxRelay.Proxy.Tests.Cluster;

/// <summary><c>--drain-delay</c> / <c>RXRELAY_DRAIN_DELAY</c>: cluster mode only, seconds, default 5.</summary>
public sealed class DrainDelayOptionTests
{
    private const string Database = "postgres://u:p@127.0.0.1:5432/db";

    private static ProxyOptionsParseResult Parse(string[] args, Dictionary<string, string>? env = null) =>
        ProxyOptionsParser.Parse(args, name => env is not null && env.TryGetValue(name, out var v) ? v : null);

    private static string[] Cluster(params string[] extra) =>
        ["--database-url", Database, "--peer-listen", "10.0.0.5:7070", "--peer-url", "http://10.0.0.5:7070", "--peer-secret", "0123456789abcdef", .. extra];

    [Fact]
    public void Parse_ClusterModeWithoutFlag_FiveSeconds()
    {
        var cluster = Parse(Cluster()).Options!.Cluster;

        Assert.Null(cluster.DrainDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), cluster.EffectiveDrainDelay);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("2.5", 2500)]
    [InlineData("30", 30_000)]
    public void Parse_Flag_Seconds(string raw, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Parse(Cluster("--drain-delay", raw)).Options!.Cluster.EffectiveDrainDelay);

    [Fact]
    public void Parse_EnvironmentVariable_Seconds() =>
        Assert.Equal(
            TimeSpan.FromSeconds(12),
            Parse(Cluster(), new() { ["RXRELAY_DRAIN_DELAY"] = "12" }).Options!.Cluster.EffectiveDrainDelay);

    [Theory]
    [InlineData("-1", "'-1' is not a non-negative number of seconds")]
    [InlineData("soon", "'soon' is not a non-negative number of seconds")]
    [InlineData("4000001", "'4000001' is more than 4000000 seconds (about 46 days)")]
    public void Parse_BadValue_OneClearLine(string raw, string why) =>
        Assert.Equal(
            [$"error: invalid value for --drain-delay / RXRELAY_DRAIN_DELAY (from --drain-delay): {why}"],
            Parse(Cluster("--drain-delay", raw)).Errors);

    [Fact]
    public void Parse_SingleReplicaMode_Refused() =>
        Assert.Equal(
            ["error: --drain-delay / RXRELAY_DRAIN_DELAY applies only in cluster mode: set --peer-listen / RXRELAY_PEER_LISTEN too"],
            Parse(["--drain-delay", "5"]).Errors);

    [Fact]
    public void EffectiveDrainDelay_SingleReplicaMode_Zero() =>
        Assert.Equal(TimeSpan.Zero, new ClusterOptions().EffectiveDrainDelay);

    [Fact]
    public void Errors_NegativeDelayBuiltInCode_Named() =>
        Assert.Equal(
            ["error: --drain-delay / RXRELAY_DRAIN_DELAY is -1 s; it must be between 0 and 4000000 s"],
            new ClusterOptions { PeerListen = "10.0.0.5:7070", PeerUrl = "http://10.0.0.5:7070", PeerSecret = "0123456789abcdef", DrainDelay = TimeSpan.FromSeconds(-1) }
                .Errors(hasDatabase: true, listen: "0.0.0.0:8080"));

    [Fact]
    public void HelpText_NamesFlagAndDefault() =>
        Assert.Contains("--drain-delay <VALUE>", ProxyOptionsParser.HelpText());
}
