using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Tests.Cluster;

/// <summary><c>/v1/models</c> over the cluster: local workers plus every live peer's offer, one sorted list.</summary>
public sealed class ClusterCatalogTests
{
    private const string Provider = "openai";

    private static WorkerSnapshot Worker(string provider, params string[] models) =>
        new("worker-1", provider, "box", models, 0, 1, 0, false);

    private static ClusterPeer Peer(string id, params ModelLoad[] offer) =>
        new(id, Guid.Empty, $"http://{id}:7070", ReplicaState.Active, new ReplicaOffer(offer), 1);

    private static ModelLoad Load(string provider, string model) => new(provider, model, 1, 2, 0, 0, 2);

    [Fact]
    public void For_LocalAndPeers_UnionSortedOrdinalEachOnce()
    {
        var local = new[] { Worker(Provider, "zeta", "Alpha", "mid") };
        var view = new ClusterView([Peer("b", Load(Provider, "beta"), Load(Provider, "mid")), Peer("c", Load(Provider, "alpha"))]);

        Assert.Equal(["Alpha", "alpha", "beta", "mid", "zeta"], ClusterCatalog.For(Provider, local, view));
    }

    [Fact]
    public void For_WildcardsAndOtherProviders_LeftOut()
    {
        var local = new[] { Worker(Provider, "*", "m1"), Worker("anthropic", "claude") };
        var view = new ClusterView([Peer("b", Load("anthropic", "haiku"), Load(Provider, "*"), Load(Provider, "m2"))]);

        Assert.Equal(["m1", "m2"], ClusterCatalog.For(Provider, local, view));
    }

    [Fact]
    public void For_OnlyPeersServeTheProvider_PeersModelsListed()
    {
        var local = new[] { Worker("anthropic", "claude") };
        var view = new ClusterView([Peer("b", Load(Provider, "m2"))]);

        Assert.Equal(["m2"], ClusterCatalog.For(Provider, local, view));
    }

    [Fact]
    public void For_NobodyServesTheProvider_EveryProvidersModels()
    {
        var local = new[] { Worker(Provider, "*"), Worker("anthropic", "claude") };
        var view = new ClusterView([Peer("b", Load("vertex", "gemini"), Load(Provider, "*"))]);

        Assert.Equal(["claude", "gemini"], ClusterCatalog.For(Provider, local, view));
    }

    [Fact]
    public void For_TwoReplicasSameCluster_SameList()
    {
        var aWorkers = new[] { Worker(Provider, "m3", "m1") };
        var bWorkers = new[] { Worker(Provider, "m2", "m1") };
        var aAsPeer = Peer("a", Load(Provider, "m1"), Load(Provider, "m3"));
        var bAsPeer = Peer("b", Load(Provider, "m1"), Load(Provider, "m2"));

        var onA = ClusterCatalog.For(Provider, aWorkers, new ClusterView([bAsPeer]));
        var onB = ClusterCatalog.For(Provider, bWorkers, new ClusterView([aAsPeer]));

        Assert.Equal(["m1", "m2", "m3"], onA);
        Assert.Equal(onA, onB);
    }

    [Fact]
    public void For_NothingAnywhere_Empty() =>
        Assert.Empty(ClusterCatalog.For(Provider, [], ClusterView.Empty));
}
