namespace RxRelay.Proxy.ApiKeys;

/// <summary>Metadata of one client API key (docs/protocol.md#http-admin, upstream's <c>ApiKeyMetadata</c>); the secret itself is never stored.</summary>
/// <param name="Id">UUID v4, lowercase hyphenated.</param>
/// <param name="Name">Name given at creation (any string).</param>
/// <param name="Prefix">First 16 characters of the key (<c>mr_live_</c> + 8).</param>
/// <param name="CreatedAt">Creation time, epoch seconds.</param>
/// <param name="LastUsedAt">Last successful validation, epoch seconds; null until used.</param>
/// <param name="Revoked">True once revoked.</param>
internal sealed record ApiKeyRecord(string Id, string Name, string Prefix, long CreatedAt, long? LastUsedAt, bool Revoked);
