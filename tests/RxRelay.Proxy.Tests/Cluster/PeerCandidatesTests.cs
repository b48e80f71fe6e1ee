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
    public void Choose_ReservesASlotOfThatModel_UntilTheForwardEnds_OrANewOfferVersionCountsIt()
    {
        var sut = Create();
        sut.Update(View(Peer("a", 2)));

        var first = sut.Choose(CoreHarness.Provider, "llama")!;
        var second = sut.Choose(CoreHarness.Provider, "llama")!;
        Assert.Equal(("a", 1L, new ModelKey(CoreHarness.Provider, "llama")), (first.Peer.ReplicaId, first.OfferVersion, first.Key));
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama")); // both slots reserved
        Assert.Empty(sut.Offered());
        sut.Update(View(Peer("a", 2))); // same version: the reservations stand
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));

        sut.Release(first, ran: true); // ended before the peer's offer ever changed: the slot is free again
        var third = sut.Choose(CoreHarness.Provider, "llama")!;
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));

        sut.Update(View(Peer("a", 1, version: 2))); // the peer's own count from now on
        sut.Release(second, ran: true); // chosen under version 1: already counted by version 2, nothing to give back
        Assert.Equal("a", sut.Choose(CoreHarness.Provider, "llama")?.Peer.ReplicaId);
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));
        sut.Release(third, ran: true);
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));
    }

    [Fact]
    public void Choose_ReservationsAreCountedPerModel_AWildcardLeavesRoomForAllOfTheProvider()
    {
        var sut = Create();
        var offer = new ReplicaOffer([
            new ModelLoad(CoreHarness.Provider, "llama", 1, 1, 0, 0, 1),
            new ModelLoad(CoreHarness.Provider, "qwen", 1, 1, 0, 0, 1),
        ]);
        sut.Update(View(new ClusterPeer("a", EpochA, "http://a:9000", ReplicaState.Active, offer, 1)));

        Assert.NotNull(sut.Choose(CoreHarness.Provider, "llama"));
        Assert.Equal([new ModelKey(CoreHarness.Provider, "qwen")], sut.Offered()); // a llama forward does not block qwen
        Assert.NotNull(sut.Choose(CoreHarness.Provider, "qwen"));
        Assert.Empty(sut.Offered());

        var wildcard = new ReplicaOffer([new ModelLoad(CoreHarness.Provider, "*", 1, 2, 0, 0, 2)]);
        var other = Create();
        other.Update(View(new ClusterPeer("w", EpochA, "http://w:9000", ReplicaState.Active, wildcard, 1)));
        Assert.NotNull(other.Choose(CoreHarness.Provider, "llama"));
        Assert.NotNull(other.Choose(CoreHarness.Provider, "qwen"));
        Assert.Empty(other.Offered()); // both of the * worker's slots are taken
    }

    [Fact]
    public void MarkFull_NoMoreChoicesUntilTheOfferChanges_OrTheFullPeriodPasses_OrOneOfOurForwardsToItEnds()
    {
        var sut = Create();
        sut.Update(View(Peer("a", 4)));
        var full = TimeSpan.FromMilliseconds(250);

        sut.MarkFull("a", EpochA, full);
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));
        sut.Update(View(Peer("a", 4))); // same version: still full
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));
        Assert.Equal(Start + full, sut.NextExclusionEnd());
        sut.Update(View(Peer("a", 4, version: 2)));
        var running = sut.Choose(CoreHarness.Provider, "llama")!;

        sut.MarkFull("a", EpochA, full);
        _now += full - TimeSpan.FromTicks(1);
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));
        _now += TimeSpan.FromTicks(1); // its offer may never change: a slot freed and filled within one write
        Assert.NotNull(sut.Choose(CoreHarness.Provider, "llama"));

        var refused = sut.Choose(CoreHarness.Provider, "llama")!;
        sut.MarkFull("a", EpochA, full);
        sut.Release(refused, ran: false); // the refusal itself frees nothing there
        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));
        sut.Release(running, ran: true); // one of ours ended there: a slot is free
        Assert.NotNull(sut.Choose(CoreHarness.Provider, "llama"));
    }

    [Fact]
    public void SuspectFor_NoChoicesForThePeriod_OrUntilThePeerRestarts()
    {
        var sut = Create();
        sut.Update(View(Peer("a", 4), Peer("b", 4, epoch: EpochB)));
        sut.SuspectFor("a", EpochA, TimeSpan.FromSeconds(2));
        sut.SuspectFor("b", EpochB, TimeSpan.FromSeconds(5));

        Assert.Null(sut.Choose(CoreHarness.Provider, "llama"));
        Assert.Equal(Start + TimeSpan.FromSeconds(2), sut.NextExclusionEnd());

        _now += TimeSpan.FromSeconds(2);
        Assert.Equal("a", sut.Choose(CoreHarness.Provider, "llama")?.Peer.ReplicaId);
        Assert.Equal(Start + TimeSpan.FromSeconds(5), sut.NextExclusionEnd());

        sut.Update(View(Peer("a", 4), Peer("b", 4, epoch: Guid.NewGuid()))); // b restarted: a new epoch is not suspected
        Assert.Null(sut.NextExclusionEnd());
    }

    [Fact]
    public void Advertises_AnyActivePeerWithAWorkerForTheModelOrAWildcard_FreeOrNot()
    {
        var sut = Create();
        sut.Update(View(Peer("a", 0), Peer("b", 2, state: ReplicaState.Draining, model: "qwen"), Peer("c", 1, model: "*")));

        Assert.True(sut.Advertises(CoreHarness.Provider, "llama")); // a has no free slot, but a worker
        Assert.True(sut.Advertises(CoreHarness.Provider, "mistral")); // c's * worker
        Assert.False(sut.Advertises("anthropic", "llama"));
        sut.Update(View(Peer("b", 2, state: ReplicaState.Draining, model: "qwen")));
        Assert.False(sut.Advertises(CoreHarness.Provider, "qwen")); // draining peers take no forwards
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
            wins[sut.Choose(CoreHarness.Provider, "llama")!.Peer.ReplicaId]++;
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
            wins[sut.Choose(CoreHarness.Provider, "llama")!.Peer.ReplicaId]++;
        }

        Assert.InRange(wins["a"], 70, 130);
    }
}
