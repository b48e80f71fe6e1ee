namespace RxRelay.Proxy.Cluster;

/// <summary>A replica's directory state (the <c>state</c> column).</summary>
internal enum ReplicaState
{
    /// <summary>Takes forwarded work (<c>active</c>).</summary>
    Active,

    /// <summary>Shutting down: peers stop forwarding to it (<c>draining</c>).</summary>
    Draining,
}

/// <summary>One live peer as this replica sees it.</summary>
/// <param name="ReplicaId">Its directory key.</param>
/// <param name="Epoch">New per process start: a different epoch under the same id is a restarted peer.</param>
/// <param name="PeerUrl">Where to forward to.</param>
/// <param name="State">Active or draining.</param>
/// <param name="Offer">Its last written offer.</param>
/// <param name="OfferVersion">Increases with each offer change within one epoch.</param>
internal sealed record ClusterPeer(string ReplicaId, Guid Epoch, string PeerUrl, ReplicaState State, ReplicaOffer Offer, long OfferVersion);

/// <summary>
/// The live peers of this replica (itself excluded), ordered by id: every row whose heartbeat is younger
/// than the expiry by database time. Two views are equal when their peers are.
/// </summary>
internal sealed record ClusterView(IReadOnlyList<ClusterPeer> Peers)
{
    /// <summary>No peer known (also the view before the first read).</summary>
    public static ClusterView Empty { get; } = new([]);

    /// <inheritdoc/>
    public bool Equals(ClusterView? other) => other is not null && Peers.SequenceEqual(other.Peers);

    /// <inheritdoc/>
    public override int GetHashCode() => Peers.Aggregate(Peers.Count, static (hash, p) => HashCode.Combine(hash, p));
}

/// <summary>What the status endpoints show of the cluster: this replica and its live peers.</summary>
/// <param name="ReplicaId">This replica's directory key.</param>
/// <param name="State">This replica's own state.</param>
/// <param name="View">Its live peers.</param>
internal sealed record ClusterStatus(string ReplicaId, ReplicaState State, ClusterView View);

/// <summary>One directory row as a read returns it, with its heartbeat's age computed by the database (<c>now() - heartbeat</c>).</summary>
internal sealed record ReplicaRow(string ReplicaId, Guid Epoch, string PeerUrl, ReplicaState State, TimeSpan HeartbeatAge, ReplicaOffer Offer, long OfferVersion)
{
    /// <summary>The row as a view shows it.</summary>
    public ClusterPeer ToPeer() => new(ReplicaId, Epoch, PeerUrl, State, Offer, OfferVersion);
}

/// <summary>What the LISTEN connection reports to the view.</summary>
internal enum DirectorySignal
{
    /// <summary>A NOTIFY on the directory channel: some row changed.</summary>
    Notification,

    /// <summary>LISTEN is (again) in place; notifications sent while it was not were lost.</summary>
    ListenConnected,

    /// <summary>The LISTEN connection broke; periodic reads carry on alone until it is back.</summary>
    ListenLost,
}
