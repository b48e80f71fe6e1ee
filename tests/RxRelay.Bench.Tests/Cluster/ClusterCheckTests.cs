using RxRelay.Bench.Cluster;

namespace RxRelay.Bench.Tests.Cluster;

public sealed class ClusterCheckTests
{
    private static PeerForwardCounts Counts(long served, long noCapacity = 0) =>
        new(new Dictionary<string, long> { ["served"] = served, ["no_capacity"] = noCapacity });

    [Fact]
    public void Check_Forwarded_EveryCompletedRequestServedByThePeer_Passes()
        => Assert.Null(ClusterCells.Check(forwarded: true, Counts(served: 500, noCapacity: 2), completed: 500, "chat:64"));

    [Fact]
    public void Check_Forwarded_FewerServedForwardsThanCompletions_FailsNamingBoth()
        => Assert.Equal(
            "the forwarded chat:64 cell did not measure forwarding: 500 request(s) completed through bench-a but its rxrelay_peer_forwards_total{outcome=\"served\"} grew by 499",
            ClusterCells.Check(forwarded: true, Counts(served: 499), completed: 500, "chat:64"));

    [Fact]
    public void Check_Local_NothingForwarded_Passes()
        => Assert.Null(ClusterCells.Check(forwarded: false, PeerForwardCounts.None, completed: 500, "chat:1"));

    [Fact]
    public void Check_Local_AnyForward_Fails()
        => Assert.Equal(
            "the local chat:1 cell was not local: bench-b forwarded 1 request(s) (served=1, no_capacity=0)",
            ClusterCells.Check(forwarded: false, Counts(served: 1), completed: 500, "chat:1"));
}
