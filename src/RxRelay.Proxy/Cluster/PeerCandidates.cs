using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// Which peers may take a forwarded request now, and which one does (docs/cluster.md#forwarding). A peer is a
/// candidate while it is <see cref="ReplicaState.Active"/>, not suspected (unreachable: for
/// <see cref="SuspectFor"/>'s period or until it restarts) and not full (refused with no capacity: until its
/// offer's next version, one of this replica's forwards to it ends, or <see cref="MarkFull"/>'s period passes — a
/// slot that frees and fills again within one offer write leaves the offer, and so its version, unchanged). Its free slots for a model are its offer's, less this replica's forwards for that model
/// still running that were chosen under the same offer version (<c>reserved</c>: a new version counts them itself,
/// and a forward that ends gives its reservation back — also one that ended before the peer's offer ever changed).
/// A new offer may have been written before forwards sent just before it arrived: the peer then refuses the surplus
/// with no capacity, which costs one round trip and no attempt. Choice: the power
/// of two choices — two candidates at random, the one with more free slots, a random fraction of a slot as
/// jitter — so replicas reading the same directory do not all pick the same peer. Thread-safe; the clock and
/// the randomness are injected.
/// </summary>
internal sealed class PeerCandidates(Func<DateTimeOffset> now, Random random)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Mark> _marks = new(StringComparer.Ordinal);
    private readonly List<(ClusterPeer Peer, long Free)> _scratch = [];
    private ClusterView _view = ClusterView.Empty;

    // What active peers have a worker for (a model, or * for the whole provider), derived at each view: it is read
    // under the dispatcher's lock on every submission that finds no local worker.
    private HashSet<ModelKey> _advertised = [];

    /// <summary>
    /// Takes a new view. Returns the peers that left it or restarted (new epoch) since the last one: their
    /// forwards not yet answered are to be aborted and requeued.
    /// </summary>
    public IReadOnlyList<(string ReplicaId, Guid Epoch)> Update(ClusterView view)
    {
        lock (_gate)
        {
            var gone = _view.Peers
                .Where(old => !view.Peers.Any(p => p.ReplicaId == old.ReplicaId && p.Epoch == old.Epoch))
                .Select(old => (old.ReplicaId, old.Epoch))
                .ToList();
            _view = view;
            _advertised = [.. view.Peers.Where(p => p.State == ReplicaState.Active)
                .SelectMany(p => p.Offer.Models.Where(m => m.Workers > 0).Select(m => new ModelKey(m.Provider, m.Model)))];
            foreach (var peer in view.Peers)
            {
                if (!_marks.TryGetValue(peer.ReplicaId, out var mark) || mark.Epoch != peer.Epoch)
                {
                    _marks[peer.ReplicaId] = new Mark(peer.Epoch) { OfferVersion = peer.OfferVersion };
                }
                else if (mark.OfferVersion != peer.OfferVersion)
                {
                    mark.OfferVersion = peer.OfferVersion;
                    mark.Reserved.Clear();
                    mark.FullUntil = null;
                }
            }

            foreach (var id in _marks.Keys.Where(id => !view.Peers.Any(p => p.ReplicaId == id)).ToList())
            {
                _marks.Remove(id);
            }

            return gone;
        }
    }

    /// <summary>Whether some active peer has a worker for <paramref name="model"/> of <paramref name="provider"/> (free or not).</summary>
    public bool Advertises(string provider, string model)
    {
        lock (_gate)
        {
            return _advertised.Contains(new ModelKey(provider, model)) || _advertised.Contains(new ModelKey(provider, ModelList.Wildcard));
        }
    }

    /// <summary>The provider/model keys some candidate has a free slot for (a model, or <c>*</c>).</summary>
    public IReadOnlyCollection<ModelKey> Offered()
    {
        lock (_gate)
        {
            var keys = new HashSet<ModelKey>();
            foreach (var peer in _view.Peers)
            {
                if (!IsCandidate(peer, out var mark)) continue;
                foreach (var load in peer.Offer.Models)
                {
                    var key = new ModelKey(load.Provider, load.Model);
                    if (load.Free > 0 && peer.Offer.FreeFor(load.Provider, load.Model) - mark.ReservedFor(key) > 0)
                    {
                        keys.Add(key);
                    }
                }
            }

            return keys;
        }
    }

    /// <summary>
    /// Picks the peer for a request for <paramref name="model"/> of <paramref name="provider"/> and reserves one of
    /// its slots until <see cref="Release"/>; null when no candidate has a free slot for it.
    /// </summary>
    public PeerChoice? Choose(string provider, string model)
    {
        lock (_gate)
        {
            var key = new ModelKey(provider, model);
            _scratch.Clear();
            foreach (var peer in _view.Peers)
            {
                if (IsCandidate(peer, out var mark) && peer.Offer.FreeFor(provider, model) - mark.ReservedFor(key) is var free and > 0)
                {
                    _scratch.Add((peer, free));
                }
            }

            if (_scratch.Count == 0) return null;
            var chosen = _scratch.Count == 1 ? _scratch[0].Peer : TwoChoices();
            var reserved = _marks[chosen.ReplicaId];
            reserved.Reserved[key] = reserved.Reserved.GetValueOrDefault(key) + 1;
            return new PeerChoice(chosen, reserved.OfferVersion, key);
        }
    }

    /// <summary>
    /// The forward of <paramref name="choice"/> ended (answered, refused or lost): its reservation is given back. One
    /// the peer <paramref name="ran"/> freed a slot there, so a full mark goes too; a refused one leaves it.
    /// </summary>
    public void Release(PeerChoice choice, bool ran)
    {
        lock (_gate)
        {
            if (Current(choice.Peer.ReplicaId, choice.Peer.Epoch) is not { } mark)
            {
                return;
            }

            if (ran)
            {
                mark.FullUntil = null; // a slot of this peer is free again
            }

            if (mark.OfferVersion == choice.OfferVersion && mark.Reserved.TryGetValue(choice.Key, out var count))
            {
                if (count > 1) mark.Reserved[choice.Key] = count - 1;
                else mark.Reserved.Remove(choice.Key);
            }
        }
    }

    /// <summary>The peer refused for lack of capacity: no forwards to it for <paramref name="period"/>, until its offer changes, or until one of ours to it ends.</summary>
    public void MarkFull(string replicaId, Guid epoch, TimeSpan period)
    {
        lock (_gate)
        {
            if (Current(replicaId, epoch) is { } mark) mark.FullUntil = now() + period;
        }
    }

    /// <summary>The peer could not be reached (or is misconfigured): no forwards to it for <paramref name="period"/>, or until it restarts.</summary>
    public void SuspectFor(string replicaId, Guid epoch, TimeSpan period)
    {
        lock (_gate)
        {
            if (Current(replicaId, epoch) is { } mark) mark.SuspectedUntil = now() + period;
        }
    }

    /// <summary>When the earliest exclusion (full or suspected) ends: a candidate may come back then; null when none.</summary>
    public DateTimeOffset? NextExclusionEnd()
    {
        lock (_gate)
        {
            var at = now();
            return _marks.Values.SelectMany(m => new[] { m.SuspectedUntil, m.FullUntil }).Where(t => t > at).Min();
        }
    }

    private ClusterPeer TwoChoices()
    {
        var first = random.Next(_scratch.Count);
        var second = random.Next(_scratch.Count - 1);
        if (second >= first) second++;
        var a = _scratch[first];
        var b = _scratch[second];
        return a.Free + random.NextDouble() >= b.Free + random.NextDouble() ? a.Peer : b.Peer;
    }

    private bool IsCandidate(ClusterPeer peer, out Mark mark)
    {
        mark = _marks[peer.ReplicaId];
        return peer.State == ReplicaState.Active
            && !(mark.FullUntil > now())
            && !(mark.SuspectedUntil > now());
    }

    private Mark? Current(string replicaId, Guid epoch) =>
        _marks.TryGetValue(replicaId, out var mark) && mark.Epoch == epoch ? mark : null;

    /// <summary>What this replica notes about one peer epoch.</summary>
    private sealed class Mark(Guid epoch)
    {
        public Guid Epoch { get; } = epoch;

        public long OfferVersion { get; set; }

        /// <summary>Forwards still running, per requested provider and model, chosen under <see cref="OfferVersion"/>.</summary>
        public Dictionary<ModelKey, long> Reserved { get; } = [];

        /// <summary>Refused for lack of capacity: no forwards until then (cleared by a new offer version or a forward's end).</summary>
        public DateTimeOffset? FullUntil { get; set; }

        public DateTimeOffset? SuspectedUntil { get; set; }

        /// <summary>Reservations a slot for <paramref name="key"/> must leave room for: its own, or for <c>*</c> every one of the provider's.</summary>
        public long ReservedFor(ModelKey key) => key.Model == ModelList.Wildcard
            ? Reserved.Where(r => r.Key.Provider == key.Provider).Sum(r => r.Value)
            : Reserved.GetValueOrDefault(key);
    }
}

/// <summary>The peer <see cref="PeerCandidates.Choose"/> picked, under which offer version, for which provider and model.</summary>
internal sealed record PeerChoice(ClusterPeer Peer, long OfferVersion, ModelKey Key);
