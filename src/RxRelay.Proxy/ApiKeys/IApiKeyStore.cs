namespace RxRelay.Proxy.ApiKeys;

/// <summary>
/// Where client API keys live (docs/protocol.md#http-api-keys): <see cref="InMemoryApiKeyStore"/> by default,
/// <see cref="PostgresApiKeyStore"/> with <c>--database-url</c> (upstream's table, shared by every proxy).
/// Store failures of the admin operations throw <see cref="ApiKeyStoreException"/>; validation reports
/// them as <see cref="ApiKeyLookupStatus.Unavailable"/> instead, as it runs on every keyed request.
/// </summary>
internal interface IApiKeyStore
{
    /// <summary>Creates a key; returns its metadata and the secret, which is never available again.</summary>
    Task<(ApiKeyRecord Record, string Secret)> CreateAsync(string name, CancellationToken cancellationToken);

    /// <summary>All keys, revoked included.</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Revokes a key; false when no such (live, for the database) key exists.</summary>
    Task<bool> RevokeAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <paramref name="secret"/> is a live key, and which; a success records <c>last_used_at</c>.
    /// The id names the key's tenant (the worker it registers, the requests it authenticates).
    /// </summary>
    ValueTask<ApiKeyLookup> AuthenticateAsync(string secret, CancellationToken cancellationToken);
}

/// <summary>What a key lookup found.</summary>
internal enum ApiKeyLookupStatus
{
    /// <summary>A live key.</summary>
    Valid,

    /// <summary>Unknown or revoked.</summary>
    Invalid,

    /// <summary>The store could not answer (database unreachable) and the key was not cached.</summary>
    Unavailable,
}

/// <summary>A key lookup's answer; <see cref="KeyId"/> is set when <see cref="Status"/> is <see cref="ApiKeyLookupStatus.Valid"/>.</summary>
internal readonly record struct ApiKeyLookup(ApiKeyLookupStatus Status, string? KeyId)
{
    /// <summary>Unknown or revoked.</summary>
    public static ApiKeyLookup Invalid => new(ApiKeyLookupStatus.Invalid, null);

    /// <summary>The store could not answer.</summary>
    public static ApiKeyLookup Unavailable => new(ApiKeyLookupStatus.Unavailable, null);

    /// <summary>A live key with this id.</summary>
    public static ApiKeyLookup Valid(string keyId) => new(ApiKeyLookupStatus.Valid, keyId);
}

/// <summary>The key store could not complete an admin operation (upstream answers 500 with an empty body).</summary>
internal sealed class ApiKeyStoreException(string message, Exception inner) : Exception(message, inner);
