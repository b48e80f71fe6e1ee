using RxRelay.Bench.Cluster;

namespace RxRelay.Bench.Tests.Cluster;

public sealed class PeerForwardCountsTests
{
    private const string Scrape = """
        # TYPE rxrelay_peer_forwards_total counter
        # HELP rxrelay_peer_forwards_total Queued requests forwarded to a peer replica, by how the forward ended (cluster mode)
        rxrelay_peer_forwards_total{otel_scope_name="RxRelay.Proxy",outcome="served"} 1234 1764378000000
        rxrelay_peer_forwards_total{otel_scope_name="RxRelay.Proxy",outcome="no_capacity"} 3 1764378000000
        rxrelay_requests_total{otel_scope_name="RxRelay.Proxy",outcome="served"} 999 1764378000000
        rxrelay_peer_forwards_total_other{outcome="served"} 7
        """;

    [Fact]
    public void Parse_PrometheusText_CountsOnlyThePeerForwardsFamily_ByOutcome()
    {
        var counts = PeerForwardCounts.Parse(Scrape);

        Assert.Equal(new Dictionary<string, long> { ["served"] = 1234, ["no_capacity"] = 3 }, counts.ByOutcome);
        Assert.Equal(1234, counts.Served);
        Assert.Equal(1237, counts.Total);
    }

    [Fact]
    public void Parse_NoSampleYet_IsZero()
    {
        var counts = PeerForwardCounts.Parse("# TYPE rxrelay_requests_total counter\nrxrelay_requests_total{outcome=\"served\"} 5\n");

        Assert.Equal(0, counts.Served);
        Assert.Equal(0, counts.Total);
    }

    [Fact]
    public void Parse_UnreadableValue_IsAFormatErrorNamingTheLine()
    {
        var error = Assert.Throws<FormatException>(() => PeerForwardCounts.Parse("rxrelay_peer_forwards_total{outcome=\"served\"} lots"));

        Assert.Equal("unreadable sample: rxrelay_peer_forwards_total{outcome=\"served\"} lots", error.Message);
    }

    [Fact]
    public void Since_SubtractsPerOutcome_NewOutcomesCountFromZero()
    {
        var before = PeerForwardCounts.Parse("rxrelay_peer_forwards_total{outcome=\"served\"} 100");
        var after = PeerForwardCounts.Parse(Scrape);

        var delta = after.Since(before);

        Assert.Equal(new Dictionary<string, long> { ["served"] = 1134, ["no_capacity"] = 3 }, delta.ByOutcome);
        Assert.Equal("no_capacity=3", delta.Others());
    }
}
