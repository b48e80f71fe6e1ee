using RxRelay.Proxy.Dispatch;

namespace RxRelay.Proxy.Cluster;

/// <summary>
/// Which peers may take a forwarded request now, and which one does (docs/cluster.md#forwarding). A peer is a
/// candidate while it is <see cref="ReplicaState.Active"/>, not suspected (unreachable: for
/// <see cref="SuspectFor"/>'s period or until it restarts) and not full (refused with no capacity: until its
/// offer's next version). Its free slots are its offer's, less the forwards this replica sent it since this
/// replica read that offer (<c>reserved</c>; a new offer version starts again from 0, and a forward the peer did not
/// take gives its slot back). A new offer may have been written before forwards sent just before it arrived: the
/// peer then refuses the surplus with no capacity, which costs one round trip and no attempt. Choice: the power
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
            foreach (var peer in view.Peers)
            {
                if (!_marks.TryGetValue(peer.ReplicaId, out var mark) || mark.Epoch != peer.Epoch)
                {
                    _marks[peer.ReplicaId] = new Mark(peer.Epoch) { OfferVersion = peer.OfferVersion };
                }
                else if (mark.OfferVersion != peer.OfferVersion)
                {
                    mark.OfferVersion = peer.OfferVersion;
                    mark.Reserved = 0;
                    mark.FullAtVersion = null;
                }
            }

            foreach (var id in _marks.Keys.Where(id => !view.Peers.Any(p => p.ReplicaId == id)).ToList())
            {
                _marks.Remove(id);
            }

            return gone;
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
                    if (load.Free > 0 && peer.Offer.FreeFor(load.Provider, load.Model) - mark.Reserved > 0)
                    {
                        keys.Add(new ModelKey(load.Provider, load.Model));
                    }
                }
            }

            return keys;
        }
    }

    /// <summary>
    /// Picks the peer for a request for <paramref name="model"/> of <paramref name="provider"/> and reserves one of
    /// its slots (give it back with <see cref="NotTaken"/> if the peer does not take the request); null when no
    /// candidate has a free slot for it.
    /// </summary>
    public ClusterPeer? Choose(string provider, string model)
    {
        lock (_gate)
        {
            _scratch.Clear();
            foreach (var peer in _view.Peers)
            {
                if (IsCandidate(peer, out var mark) && peer.Offer.FreeFor(provider, model) - mark.Reserved is var free and > 0)
                {
                    _scratch.Add((peer, free));
                }
            }

            if (_scratch.Count == 0) return null;
            var chosen = _scratch.Count == 1 ? _scratch[0].Peer : TwoChoices();
            _marks[chosen.ReplicaId].Reserved++;
            return chosen;
        }
    }

    /// <summary>A forward to <paramref name="replicaId"/> was refused or never arrived: its reserved slot is free again.</summary>
    public void NotTaken(string replicaId, Guid epoch)
    {
        lock (_gate)
        {
            if (Current(replicaId, epoch) is { Reserved: > 0 } mark) mark.Reserved--;
        }
    }

    /// <summary>The peer refused for lack of capacity: no more forwards to it until its offer changes.</summary>
    public void MarkFull(string replicaId, Guid epoch)
    {
        lock (_gate)
        {
            if (Current(replicaId, epoch) is { } mark) mark.FullAtVersion = mark.OfferVersion;
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

    /// <summary>When the earliest suspicion ends (a candidate may come back then); null when none is suspected.</summary>
    public DateTimeOffset? NextSuspicionEnd()
    {
        lock (_gate)
        {
            var at = now();
            return _marks.Values.Where(m => m.SuspectedUntil > at).Select(m => m.SuspectedUntil).Min();
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
            && mark.FullAtVersion != mark.OfferVersion
            && !(mark.SuspectedUntil > now());
    }

    private Mark? Current(string replicaId, Guid epoch) =>
        _marks.TryGetValue(replicaId, out var mark) && mark.Epoch == epoch ? mark : null;

    /// <summary>What this replica notes about one peer epoch.</summary>
    private sealed class Mark(Guid epoch)
    {
        public Guid Epoch { get; } = epoch;

        public long OfferVersion { get; set; }

        /// <summary>Forwards sent (and not refused) since this offer version was read.</summary>
        public long Reserved { get; set; }

        public long? FullAtVersion { get; set; }

        public DateTimeOffset? SuspectedUntil { get; set; }
    }
}
