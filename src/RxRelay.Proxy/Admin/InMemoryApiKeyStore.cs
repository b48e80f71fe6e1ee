namespace RxRelay.Proxy.Admin;

/// <summary>
/// The in-memory key store (upstream's default; keys are lost on restart). Validation is a dictionary
/// lookup by SHA-256 hash, not upstream's write-locked linear scan (docs/differences-from-upstream.md#proxy-api-key-lookup); the hash of an
/// unknown secret reveals nothing useful through lookup timing. Listing is in creation order (upstream:
/// hash-map order). Thread-safe.
/// </summary>
internal sealed class InMemoryApiKeyStore(TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ApiKeyRecord> _byHash = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _hashById = new(StringComparer.Ordinal);
    private readonly List<string> _creationOrder = [];

    /// <summary>Creates a key; returns its metadata and the secret, which is never available again.</summary>
    public (ApiKeyRecord Record, string Secret) Create(string name)
    {
        var secret = ApiKeyGenerator.NewKey();
        var record = new ApiKeyRecord(
            Guid.NewGuid().ToString("D"), name, secret[..ApiKeyGenerator.PrefixLength], time.GetUtcNow().ToUnixTimeSeconds(), null, false);
        var hash = ApiKeyGenerator.Hash(secret);
        lock (_gate)
        {
            _byHash.Add(hash, record);
            _hashById.Add(record.Id, hash);
            _creationOrder.Add(record.Id);
        }

        return (record, secret);
    }

    /// <summary>All keys, revoked included, in creation order.</summary>
    public IReadOnlyList<ApiKeyRecord> List()
    {
        lock (_gate)
        {
            return _creationOrder.Select(id => _byHash[_hashById[id]]).ToArray();
        }
    }

    /// <summary>Revokes a key; true when the id exists (also when it was already revoked, as upstream's memory store).</summary>
    public bool Revoke(string id)
    {
        lock (_gate)
        {
            if (!_hashById.TryGetValue(id, out var hash))
            {
                return false;
            }

            _byHash[hash] = _byHash[hash] with { Revoked = true };
            return true;
        }
    }

    /// <summary>True when <paramref name="secret"/> is a live key; a success records <c>last_used_at</c>.</summary>
    public bool Validate(string secret) => Authenticate(secret) is not null;

    /// <summary>
    /// The id of the live key <paramref name="secret"/> is, or null; a success records <c>last_used_at</c>.
    /// The id names the key's tenant (the worker it registers, the requests it authenticates).
    /// </summary>
    public string? Authenticate(string secret)
    {
        var hash = ApiKeyGenerator.Hash(secret);
        lock (_gate)
        {
            if (!_byHash.TryGetValue(hash, out var record) || record.Revoked)
            {
                return null;
            }

            _byHash[hash] = record with { LastUsedAt = time.GetUtcNow().ToUnixTimeSeconds() };
            return record.Id;
        }
    }
}
