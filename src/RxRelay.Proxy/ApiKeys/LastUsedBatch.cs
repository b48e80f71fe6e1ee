namespace RxRelay.Proxy.ApiKeys;

/// <summary>
/// <c>last_used_at</c> updates waiting to be written in one statement (docs/protocol.md#http-api-keys-database):
/// upstream writes the row on every request; the database store records uses here and flushes them
/// every <see cref="ApiKeyCacheOptions.RefreshInterval"/> and at shutdown. Holds at most one entry per key
/// used since the last flush (the latest use). Thread-safe.
/// </summary>
internal sealed class LastUsedBatch
{
    private readonly Lock _gate = new();
    private Dictionary<string, DateTimeOffset> _pending = new(StringComparer.Ordinal);

    /// <summary>Keys waiting to be written.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Records a use of <paramref name="keyId"/> at <paramref name="at"/>; a later use wins.</summary>
    public void Record(string keyId, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (!_pending.TryGetValue(keyId, out var known) || known < at)
            {
                _pending[keyId] = at;
            }
        }
    }

    /// <summary>The latest unwritten use of <paramref name="keyId"/>, if any (merged into listings).</summary>
    public DateTimeOffset? Pending(string keyId)
    {
        lock (_gate)
        {
            return _pending.TryGetValue(keyId, out var at) ? at : null;
        }
    }

    /// <summary>Takes everything recorded so far; give it back with <see cref="Restore"/> if the write fails.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Take()
    {
        lock (_gate)
        {
            var taken = _pending;
            _pending = new(StringComparer.Ordinal);
            return taken;
        }
    }

    /// <summary>Puts back a batch that could not be written, keeping any later use recorded meanwhile.</summary>
    public void Restore(IReadOnlyDictionary<string, DateTimeOffset> batch)
    {
        foreach (var (keyId, at) in batch)
        {
            Record(keyId, at);
        }
    }
}
