namespace RxRelay.Proxy.ApiKeys;

/// <summary>What the cache knows about one secret's hash.</summary>
internal enum CachedKeyState
{
    /// <summary>Nothing: ask the database.</summary>
    Miss,

    /// <summary>Live, confirmed less than <see cref="ApiKeyCacheOptions.ValidFor"/> ago.</summary>
    Valid,

    /// <summary>Was live, but the confirmation is old: ask the database, and use it only if the database cannot answer.</summary>
    Stale,

    /// <summary>Unknown or revoked less than <see cref="ApiKeyCacheOptions.InvalidFor"/> ago.</summary>
    Invalid,
}

/// <summary>
/// The database key store's memory (docs/protocol.md#http-api-keys-database): live keys by hash, trusted for
/// <see cref="ApiKeyCacheOptions.ValidFor"/> since their last confirmation, and refused secrets for
/// <see cref="ApiKeyCacheOptions.InvalidFor"/>; both bounded by <see cref="ApiKeyCacheOptions.Capacity"/>.
/// A change to the table (a notification, a refresh, this proxy's own revoke) removes entries and bumps
/// <see cref="Generation"/>, so an answer the database gave before the change is not cached after it.
/// Thread-safe. Hashes are <see cref="ApiKeyGenerator.Hash"/> strings.
/// </summary>
internal sealed class ApiKeyCache(ApiKeyCacheOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Id, long ConfirmedAt)> _valid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _hashById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _invalid = new(StringComparer.Ordinal);
    private readonly Queue<(string Hash, long At)> _invalidOrder = new();
    private long _generation;

    /// <summary>Changes whenever an entry is forgotten; pass the value read before a database query to the Remember methods.</summary>
    public long Generation
    {
        get
        {
            lock (_gate)
            {
                return _generation;
            }
        }
    }

    /// <summary>Live keys remembered now.</summary>
    public int ValidCount
    {
        get
        {
            lock (_gate)
            {
                return _valid.Count;
            }
        }
    }

    /// <summary>Refused secrets remembered now.</summary>
    public int InvalidCount
    {
        get
        {
            lock (_gate)
            {
                return _invalid.Count;
            }
        }
    }

    /// <summary>What is known about <paramref name="hash"/>, and the key id when it was live.</summary>
    public (CachedKeyState State, string? Id) Lookup(string hash)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (_valid.TryGetValue(hash, out var entry))
            {
                return (time.GetElapsedTime(entry.ConfirmedAt, now) < options.ValidFor ? CachedKeyState.Valid : CachedKeyState.Stale, entry.Id);
            }

            if (_invalid.TryGetValue(hash, out var at))
            {
                if (time.GetElapsedTime(at, now) < options.InvalidFor)
                {
                    return (CachedKeyState.Invalid, null);
                }

                _invalid.Remove(hash);
            }

            return (CachedKeyState.Miss, null);
        }
    }

    /// <summary>Remembers a live key, unless the table changed since <paramref name="generation"/> was read.</summary>
    public void RememberValid(string hash, string id, long generation)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (generation != _generation)
            {
                return;
            }

            _invalid.Remove(hash);
            if (!_valid.ContainsKey(hash) && _valid.Count >= options.Capacity)
            {
                EvictLeastRecentlyConfirmed();
            }

            _valid[hash] = (id, now);
            _hashById[id] = hash;
        }
    }

    /// <summary>Remembers a refused secret, unless the table changed since <paramref name="generation"/> was read.</summary>
    public void RememberInvalid(string hash, long generation)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (generation != _generation || _valid.ContainsKey(hash))
            {
                return;
            }

            // Entries go in and expire in arrival order, so the queue's head is always the oldest.
            while (_invalid.Count >= options.Capacity && _invalidOrder.TryDequeue(out var oldest))
            {
                RemoveInvalidEntry(oldest);
            }

            _invalid[hash] = now;
            _invalidOrder.Enqueue((hash, now));
            while (_invalidOrder.Count > 2 * options.Capacity && _invalidOrder.TryDequeue(out var superseded))
            {
                RemoveInvalidEntry(superseded);
            }
        }
    }

    /// <summary>Forgets a key that changed in the table: its live entry (by id) and any refusal of its hash.</summary>
    public void Forget(string? id, string? hash)
    {
        lock (_gate)
        {
            _generation++;
            if (id is not null && _hashById.Remove(id, out var knownHash))
            {
                _valid.Remove(knownHash);
            }

            if (hash is not null)
            {
                if (_valid.Remove(hash, out var entry))
                {
                    _hashById.Remove(entry.Id);
                }

                _invalid.Remove(hash);
            }
        }
    }

    /// <summary>
    /// A key was added to the table: a refusal of its hash is forgotten, and an answer from before the insert is
    /// not remembered. A live entry stays: a new row makes no key stale, and the announcement of a key's own
    /// creation, arriving after the proxy that created it cached it, must not drop it again.
    /// </summary>
    public void Added(string hash)
    {
        lock (_gate)
        {
            _generation++;
            _invalid.Remove(hash);
        }
    }

    /// <summary>
    /// Forgets every refused secret (live keys stay): the LISTEN connection was (re)opened, and a key added while
    /// nobody listened was not announced, so a refusal of its secret could otherwise last its full period.
    /// </summary>
    public void ForgetRefusals()
    {
        lock (_gate)
        {
            _generation++;
            _invalid.Clear();
            _invalidOrder.Clear();
        }
    }

    /// <summary>Forgets everything (the table was truncated, or a change could not be read).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _generation++;
            _valid.Clear();
            _hashById.Clear();
            _invalid.Clear();
            _invalidOrder.Clear();
        }
    }

    /// <summary>The ids of the live keys remembered now, and the moment they were read (for <see cref="Confirm"/>).</summary>
    public (IReadOnlyList<string> Ids, long ReadAt) Snapshot()
    {
        lock (_gate)
        {
            return (_hashById.Keys.ToArray(), time.GetTimestamp());
        }
    }

    /// <summary>
    /// Applies a refresh: of the <paramref name="asked"/> ids, those in <paramref name="live"/> count as confirmed
    /// at <paramref name="askedAt"/> (when the query was sent); the others were revoked or deleted and are forgotten.
    /// </summary>
    public void Confirm(IReadOnlyList<string> asked, IReadOnlySet<string> live, long askedAt)
    {
        lock (_gate)
        {
            foreach (var id in asked)
            {
                if (!_hashById.TryGetValue(id, out var hash))
                {
                    continue;
                }

                if (!live.Contains(id))
                {
                    _generation++;
                    _hashById.Remove(id);
                    _valid.Remove(hash);
                }
                else if (_valid[hash].ConfirmedAt < askedAt)
                {
                    _valid[hash] = (id, askedAt);
                }
            }
        }
    }

    private void EvictLeastRecentlyConfirmed()
    {
        string? oldestHash = null;
        var oldest = long.MaxValue;
        foreach (var (hash, entry) in _valid)
        {
            if (entry.ConfirmedAt < oldest)
            {
                oldest = entry.ConfirmedAt;
                oldestHash = hash;
            }
        }

        if (oldestHash is not null && _valid.Remove(oldestHash, out var evicted))
        {
            _hashById.Remove(evicted.Id);
        }
    }

    private void RemoveInvalidEntry((string Hash, long At) queued)
    {
        // A hash refused again later has a newer queue entry; only the newest one owns the dictionary entry.
        if (_invalid.TryGetValue(queued.Hash, out var at) && at == queued.At)
        {
            _invalid.Remove(queued.Hash);
        }
    }
}
