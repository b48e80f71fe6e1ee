namespace RxRelay.Proxy.Cluster;

/// <summary>
/// The pure merge behind <see cref="ClusterViewStream"/>: each directory read replaces the known peers; a
/// peer's expiry instant is set on the local scheduler's clock from the age the database computed, so only
/// elapsed local time and database time are ever compared, never two replicas' clocks. Not thread-safe.
/// </summary>
internal sealed class ClusterViewState(string selfId, TimeSpan expiry)
{
    private readonly SortedDictionary<string, (ClusterPeer Peer, DateTimeOffset ExpiresAt)> _peers = new(StringComparer.Ordinal);

    /// <summary>When the next known peer expires; null when none is known.</summary>
    public DateTimeOffset? NextExpiry => _peers.Count == 0 ? null : _peers.Values.Min(p => p.ExpiresAt);

    /// <summary>The current view.</summary>
    public ClusterView View => _peers.Count == 0 ? ClusterView.Empty : new ClusterView([.. _peers.Values.Select(p => p.Peer)]);

    /// <summary>
    /// Takes a whole read as the truth: rows not in it were deleted. <paramref name="readAt"/> is when the
    /// read was sent (the ages are at most that old); rows already expired by <paramref name="now"/> stay out.
    /// <paramref name="graceUntil"/> (the first read after the database was unreachable): a peer already known with
    /// the same epoch is kept at least until then, since it could not write its heartbeat either.
    /// </summary>
    public void Apply(IReadOnlyList<ReplicaRow> rows, DateTimeOffset readAt, DateTimeOffset now, DateTimeOffset? graceUntil = null)
    {
        var known = graceUntil is null ? null : _peers.ToDictionary(p => p.Key, p => p.Value.Peer.Epoch, StringComparer.Ordinal);
        _peers.Clear();
        foreach (var row in rows)
        {
            var expiresAt = readAt + (expiry - row.HeartbeatAge);
            if (known is not null && known.TryGetValue(row.ReplicaId, out var epoch) && epoch == row.Epoch && graceUntil > expiresAt)
            {
                expiresAt = graceUntil.Value;
            }

            if (row.ReplicaId != selfId && expiresAt > now)
            {
                _peers[row.ReplicaId] = (row.ToPeer(), expiresAt);
            }
        }
    }

    /// <summary>Drops every peer whose heartbeat has expired by <paramref name="now"/>; true when one was dropped.</summary>
    public bool Expire(DateTimeOffset now)
    {
        var dead = _peers.Where(p => p.Value.ExpiresAt <= now).Select(p => p.Key).ToList();
        dead.ForEach(id => _peers.Remove(id));
        return dead.Count > 0;
    }
}
