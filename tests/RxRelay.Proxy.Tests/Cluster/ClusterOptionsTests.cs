using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Configuration;

namespace RxRelay.Proxy.Tests.Cluster;

public sealed class ClusterOptionsTests
{
    private const string Database = "postgres://u:p@127.0.0.1:5432/db";
    private const string Secret = "0123456789abcdef";

    private static ProxyOptionsParseResult Parse(string[] args, Dictionary<string, string>? env = null) =>
        ProxyOptionsParser.Parse(args, name => env is not null && env.TryGetValue(name, out var v) ? v : null);

    private static string[] Cluster(params string[] extra) =>
        ["--database-url", Database, "--peer-listen", "10.0.0.5:7070", "--peer-url", "http://10.0.0.5:7070", "--peer-secret", Secret, .. extra];

    [Fact]
    public void Parse_NoClusterFlags_SingleReplicaMode()
    {
        var options = Parse(["--database-url", Database]).Options!;

        Assert.False(options.Cluster.IsEnabled);
        Assert.Equal(new ClusterOptions(), options.Cluster);
    }

    [Fact]
    public void Parse_AllFlags_ClusterOptionsSet()
    {
        var cluster = Parse(Cluster("--replica-id", "proxy-0")).Options!.Cluster;

        Assert.True(cluster.IsEnabled);
        Assert.Equal(("10.0.0.5:7070", "http://10.0.0.5:7070", Secret, "proxy-0"), (cluster.PeerListen, cluster.PeerUrl, cluster.PeerSecret, cluster.EffectiveReplicaId));
    }

    [Fact]
    public void Parse_EnvironmentVariables_ClusterOptionsSet()
    {
        var cluster = Parse([], new()
        {
            ["DATABASE_URL"] = Database,
            ["RXRELAY_PEER_LISTEN"] = "0.0.0.0:7070",
            ["RXRELAY_PEER_URL"] = "https://proxy-1.proxy.svc:7070",
            ["RXRELAY_PEER_SECRET"] = Secret,
            ["RXRELAY_REPLICA_ID"] = "proxy-1",
        }).Options!.Cluster;

        Assert.Equal(("0.0.0.0:7070", "https://proxy-1.proxy.svc:7070", "proxy-1"), (cluster.PeerListen, cluster.PeerUrl, cluster.ReplicaId));
    }

    [Fact]
    public void Parse_NoReplicaId_HostName()
    {
        var cluster = Parse(Cluster()).Options!.Cluster;

        Assert.Null(cluster.ReplicaId);
        Assert.Equal(Environment.MachineName, cluster.EffectiveReplicaId);
    }

    [Fact]
    public void Parse_PeerListenWithoutDatabase_OneClearLine() =>
        Assert.Equal(
            ["error: cluster mode (--peer-listen / RXRELAY_PEER_LISTEN) needs --database-url / DATABASE_URL: the replica directory lives in PostgreSQL"],
            Parse(["--peer-listen", "10.0.0.5:7070", "--peer-url", "http://10.0.0.5:7070", "--peer-secret", Secret]).Errors);

    [Fact]
    public void Parse_PeerListenAlone_EveryMissingPieceNamed() =>
        Assert.Equal(
            [
                "error: cluster mode (--peer-listen / RXRELAY_PEER_LISTEN) needs --database-url / DATABASE_URL: the replica directory lives in PostgreSQL",
                "error: --peer-listen / RXRELAY_PEER_LISTEN needs --peer-url / RXRELAY_PEER_URL (the URL peers reach this replica at)",
                "error: --peer-listen / RXRELAY_PEER_LISTEN needs --peer-secret / RXRELAY_PEER_SECRET (shared by every replica)",
            ],
            Parse(["--peer-listen", "10.0.0.5:7070"]).Errors);

    [Fact]
    public void Parse_ShortSecret_RefusedWithoutEchoingIt() =>
        Assert.Equal(
            ["error: invalid value for --peer-secret / RXRELAY_PEER_SECRET (from RXRELAY_PEER_SECRET): must be at least 16 characters (got 15)"],
            Parse([], new() { ["RXRELAY_PEER_SECRET"] = "short-secret-15" }).Errors);

    [Theory]
    [InlineData("10.0.0.5:7070")]
    [InlineData("ftp://10.0.0.5:7070")]
    [InlineData("http://10.0.0.5:7070/?x=1")]
    public void Parse_PeerUrlNotHttp_Refused(string url) =>
        Assert.Equal(
            [$"error: invalid value for --peer-url / RXRELAY_PEER_URL (from --peer-url): '{url}' is not an http(s) URL like http://10.0.0.5:7070"],
            Parse(["--peer-url", url]).Errors);

    [Fact]
    public void Parse_PeerListenNotAnAddress_Refused() =>
        Assert.Equal(
            ["error: invalid value for --peer-listen / RXRELAY_PEER_LISTEN (from --peer-listen): 'peers' is not a socket address like 127.0.0.1:8080"],
            Parse(["--peer-listen", "peers"]).Errors);

    [Fact]
    public void Parse_ReplicaIdWithSpace_Refused() =>
        Assert.Equal(
            ["error: invalid value for --replica-id / RXRELAY_REPLICA_ID (from --replica-id): 'proxy 0' is not 1 to 200 letters, digits, '.', '-', '_' or ':'"],
            Parse(["--replica-id", "proxy 0"]).Errors);

    [Fact]
    public void Parse_PeerFlagsWithoutPeerListen_Refused() =>
        Assert.Equal(
            [
                "error: --peer-url / RXRELAY_PEER_URL applies only in cluster mode: set --peer-listen / RXRELAY_PEER_LISTEN too",
                "error: --replica-id / RXRELAY_REPLICA_ID applies only in cluster mode: set --peer-listen / RXRELAY_PEER_LISTEN too",
            ],
            Parse(["--peer-url", "http://10.0.0.5:7070", "--replica-id", "a"]).Errors);

    [Theory]
    [InlineData(null, false)]
    [InlineData("on", true)]
    [InlineData("OFF", false)]
    public void Parse_ServedByHeader_OffUnlessOn(string? value, bool expected)
    {
        var env = value is null ? null : new Dictionary<string, string> { ["RXRELAY_SERVED_BY_HEADER"] = value };

        Assert.Equal(expected, Parse(Cluster(), env).Options!.Cluster.ServedByHeader);
    }

    [Fact]
    public void Parse_ServedByHeaderWithoutPeerListen_Refused() =>
        Assert.Equal(
            ["error: --served-by-header / RXRELAY_SERVED_BY_HEADER applies only in cluster mode: set --peer-listen / RXRELAY_PEER_LISTEN too"],
            Parse(["--served-by-header", "on"]).Errors);

    [Fact]
    public void Parse_PeerListenSameAsListen_Refused() =>
        Assert.Equal(
            ["error: --peer-listen / RXRELAY_PEER_LISTEN ('127.0.0.1:8080') must differ from --listen / LISTEN_ADDR"],
            Parse(["--database-url", Database, "--peer-listen", "127.0.0.1:8080", "--peer-url", "http://127.0.0.1:8080", "--peer-secret", Secret]).Errors);

    [Fact]
    public void ProxyAppBuild_ClusterWithoutDatabaseBuiltInCode_Refused()
    {
        var options = new ProxyOptions
        {
            Listen = "127.0.0.1:0",
            Cluster = new ClusterOptions { PeerListen = "127.0.0.1:0", PeerUrl = "http://127.0.0.1:7070", PeerSecret = Secret },
        };

        var error = Assert.Throws<ArgumentException>(() => RxRelay.Proxy.Hosting.ProxyApp.Build(options));

        Assert.Equal(
            "error: cluster mode (--peer-listen / RXRELAY_PEER_LISTEN) needs --database-url / DATABASE_URL: the replica directory lives in PostgreSQL (Parameter 'options')",
            error.Message);
    }

    [Fact]
    public void ToString_SecretMasked() =>
        Assert.Equal(
            "ClusterOptions { PeerListen = 10.0.0.5:7070, PeerUrl = http://10.0.0.5:7070, PeerSecret = ***, ReplicaId = , ServedByHeader = False }",
            Parse(Cluster()).Options!.Cluster.ToString());

    [Fact]
    public void HelpText_ListsClusterFlagsWithEnvironmentVariables()
    {
        var help = ProxyOptionsParser.HelpText();

        Assert.Contains("--peer-listen <VALUE>", help, StringComparison.Ordinal);
        Assert.Contains("[env: RXRELAY_PEER_SECRET]", help, StringComparison.Ordinal);
        Assert.Contains("at least 16 characters", help, StringComparison.Ordinal);
        Assert.Contains("[default: the host name] [env: RXRELAY_REPLICA_ID]", help, StringComparison.Ordinal);
    }
}
