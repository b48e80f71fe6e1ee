namespace RxRelay.Proxy.ApiKeys;

/// <summary>
/// The in-memory key store (upstream's default; keys are lost on restart). Validation is a dictionary
/// lookup by SHA-256 hash, not upstream's write-locked linear scan (docs/differences-from-upstream.md#proxy-api-key-lookup); the hash of an
/// unknown secret reveals nothing useful through lookup timing. Listing is in creation order (upstream:
/// hash-map order). Thread-safe; every operation completes synchronously.
/// </summary>
internal sealed class InMemoryApiKeyStore(TimeProvider time) : IApiKeyStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ApiKeyRecord> _byHash = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _hashById = new(StringComparer.Ordinal);
    private readonly List<string> _creationOrder = [];

    /// <inheritdoc/>
    public Task<(ApiKeyRecord Record, string Secret)> CreateAsync(string name, CancellationToken cancellationToken)
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

        return Task.FromResult((record, secret));
    }

    /// <summary>All keys, revoked included, in creation order.</summary>
    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<ApiKeyRecord>>(_creationOrder.Select(id => _byHash[_hashById[id]]).ToArray());
        }
    }

    /// <summary>Revokes a key; true when the id exists (also when it was already revoked, as upstream's memory store).</summary>
    public Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_hashById.TryGetValue(id, out var hash))
            {
                return Task.FromResult(false);
            }

            _byHash[hash] = _byHash[hash] with { Revoked = true };
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ApiKeyLookup> AuthenticateAsync(string secret, CancellationToken cancellationToken)
    {
        var hash = ApiKeyGenerator.Hash(secret);
        lock (_gate)
        {
            if (!_byHash.TryGetValue(hash, out var record) || record.Revoked)
            {
                return ValueTask.FromResult(ApiKeyLookup.Invalid);
            }

            _byHash[hash] = record with { LastUsedAt = time.GetUtcNow().ToUnixTimeSeconds() };
            return ValueTask.FromResult(ApiKeyLookup.Valid(record.Id));
        }
    }
}
