using RxRelay.Proxy.Cluster;
using RxRelay.Proxy.Dispatch;
using RxRelay.Proxy.Tests.Dispatch;

namespace RxRelay.Proxy.Tests.Cluster;

/// <summary>
/// <see cref="PeerCandidates"/>: who may take a forward (active, not full, not suspected), free slots less this
/// replica's reservations, and the power of two choices with jitter. Virtual clock, seeded randomness.
/// </summary>
public sealed class PeerCandidatesTests
{
    private static readonly DateTimeOffset Start = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly Guid EpochA = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid EpochB = Guid.Parse("00000000-0000-0000-0000-00000000000b");

    private DateTimeOffset _now = Start;

    private PeerCandidates Create(int seed = 1) => new(() => _now, new Random(seed));

    private static ClusterPeer Peer(string id, long free, long version = 1, ReplicaState state = ReplicaState.Active, Guid? epoch = null, string model = "llama") =>
        new(id, epoch ?? EpochA, $"http://{id}:9000", state, new ReplicaOffer([new ModelLoad(CoreHarness.Provider, model, 1, 8, 8 - free, 0, free)]), version);

    private static ClusterView View(params ClusterPeer[] peers) => new(peers);

    [Fact]
    public void Offered_ActivePeersWithFreeSlots_DrainingAndFullOnesLeftOut()
    {
        var sut = Create();
        sut.Update(View(Peer("a", 2), Peer("b", 0, model: "qwen"), Peer("c", 3, state: ReplicaState.Draining, model: "mistral"), Peer("d", 1, model: "*")));

        Assert.Equal(
            [new ModelKey(CoreHarness.Provider, "*"), new ModelKey(CoreHarness.Provider, "llama")],
            sut.Offered().OrderBy(k => k.Model, StringComparer.Ordinal));
    }

    [Fact]
    public void Choose_ReservesASlot_UntilANewOfferVersion_OrUntilThePeerDoesNotTakeIt()
    {
        var sut = Create();
        sut.Update(View(Peer("a", 2)));

        Assert.Equal("a", sut.Choose(CoreHarness.Provider, "llama")?.ReplicaId);
        Assert.Equal("a", sut.Choose(CoreHarness.Provider, "llama")?.ReplicaId);
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama")); // both slots reserved
        Assert.Empty(sut.Offered());
        sut.Update(View(Peer("a", 2))); // same version: the reservations stand
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));

        sut.NotTaken("a", EpochA); // refused or unreachable: that slot is free again
        Assert.Equal("a", sut.Choose(CoreHarness.Provider, "llama")?.ReplicaId);
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));

        sut.Update(View(Peer("a", 1, version: 2))); // the peer's own count from now on
        Assert.Equal("a", sut.Choose(CoreHarness.Provider, "llama")?.ReplicaId);
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));
    }

    [Fact]
    public void MarkFull_NoMoreChoicesUntilTheOfferChanges()
    {
        var sut = Create();
        sut.Update(View(Peer("a", 4)));

        sut.MarkFull("a", EpochA);
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));
        sut.Update(View(Peer("a", 4))); // same version: still full
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));

        sut.Update(View(Peer("a", 4, version: 2)));
        Assert.Equal("a", sut.Choose(CoreHarness.Provider, "llama")?.ReplicaId);
    }

    [Fact]
    public void SuspectFor_NoChoicesForThePeriod_OrUntilThePeerRestarts()
    {
        var sut = Create();
        sut.Update(View(Peer("a", 4), Peer("b", 4, epoch: EpochB)));
        sut.SuspectFor("a", EpochA, TimeSpan.FromSeconds(2));
        sut.SuspectFor("b", EpochB, TimeSpan.FromSeconds(5));

        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));
        Assert.Equal(Start + TimeSpan.FromSeconds(2), sut.NextSuspicionEnd());

        _now += TimeSpan.FromSeconds(2);
        Assert.Equal("a", sut.Choose(CoreHarness.Provider, "llama")?.ReplicaId);
        Assert.Equal(Start + TimeSpan.FromSeconds(5), sut.NextSuspicionEnd());

        sut.Update(View(Peer("a", 4), Peer("b", 4, epoch: Guid.NewGuid()))); // b restarted: a new epoch is not suspected
        Assert.Null(sut.NextSuspicionEnd());
    }

    [Fact]
    public void Update_ReportsPeersThatLeftOrRestarted()
    {
        var sut = Create();
        sut.Update(View(Peer("a", 1), Peer("b", 1, epoch: EpochB), Peer("c", 1)));

        var gone = sut.Update(View(Peer("a", 1, version: 9), Peer("b", 1, epoch: Guid.NewGuid())));

        Assert.Equal([("b", EpochB), ("c", EpochA)], gone.OrderBy(g => g.ReplicaId, StringComparer.Ordinal));
    }

    [Fact]
    public void Choose_PowerOfTwoChoices_TheLeastFreePeerNeverWins_TheMostFreeWinsMost()
    {
        var wins = new Dictionary<string, int>(StringComparer.Ordinal) { ["a"] = 0, ["b"] = 0, ["c"] = 0 };
        for (var seed = 0; seed < 300; seed++)
        {
            var sut = Create(seed);
            sut.Update(View(Peer("a", 8), Peer("b", 4), Peer("c", 1)));
            wins[sut.Choose(CoreHarness.Provider, "llama")!.ReplicaId]++;
        }

        Assert.Equal(0, wins["c"]); // it loses every pair it is drawn into
        Assert.InRange(wins["a"], 170, 230); // wins 2 of the 3 possible pairs
        Assert.Equal(300 - wins["a"], wins["b"]);
    }

    [Fact]
    public void Choose_EqualPeers_JitterSpreadsTheChoice()
    {
        var wins = new Dictionary<string, int>(StringComparer.Ordinal) { ["a"] = 0, ["b"] = 0 };
        for (var seed = 0; seed < 200; seed++)
        {
            var sut = Create(seed);
            sut.Update(View(Peer("a", 3), Peer("b", 3)));
            wins[sut.Choose(CoreHarness.Provider, "llama")!.ReplicaId]++;
        }

        Assert.InRange(wins["a"], 70, 130);
    }
}
